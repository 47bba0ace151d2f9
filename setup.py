"""Packaging hook: ship the top-level grammar/ and stdlib/ inside the wheel as panoptic/_data/."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads grammar/ and stdlib/ from the source tree
        for folder, pattern in (("grammar", "*.lark"), ("stdlib", "*.pan")):
            target = Path(self.build_lib) / "panoptic" / "_data" / folder
            target.mkdir(parents=True, exist_ok=True)
            for file in (ROOT / folder).glob(pattern):
                shutil.copy2(file, target / file.name)


setup(cmdclass={"build_py": BuildWithData})
