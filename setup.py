"""Packaging hook: ship grammar/, stdlib/ and docs/rules.md (SARIF links to it) in the wheel as panoptic/_data/.

The grammar's LALR tables are built here too, so the first `panoptic check` after an install does not
spend its time building them.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads grammar/ and stdlib/ from the source tree
        for folder, pattern in (("grammar", "*.lark"), ("stdlib", "*.pan"), ("docs", "rules.md")):
            target = Path(self.build_lib) / "panoptic" / "_data" / folder
            target.mkdir(parents=True, exist_ok=True)
            for file in (ROOT / folder).glob(pattern):
                shutil.copy2(file, target / file.name)
        self._build_tables()

    def _build_tables(self) -> None:
        sys.path.insert(0, self.build_lib)
        try:
            from panoptic.syntax.parser import TABLES_SUFFIX, grammar_path, write_tables

            write_tables(grammar_path().with_suffix(TABLES_SUFFIX))
        except ImportError as exc:  # no Lark in the build environment: tables get built on first use
            print(f"panoptic: grammar tables not prebuilt ({exc})", file=sys.stderr)
        finally:
            sys.path.remove(self.build_lib)


setup(cmdclass={"build_py": BuildWithData})
