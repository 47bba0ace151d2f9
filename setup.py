"""Packaging hook: ship grammar/, stdlib/ and docs/rules.md (SARIF links to it) in the wheel as panoptic/_data/.

The grammar's LALR tables are built here too (Lark's, and the lean loop's that parses without Lark), so
the first `panoptic check` after an install does not spend its time building them; so is the code of the
package's frozen classes' generated methods (`panoptic.frozen`), which every command would otherwise
compile at start-up.
"""

import os
import shutil
import subprocess
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
        self._build_frozen_methods()

    def _build_tables(self) -> None:
        sys.path.insert(0, self.build_lib)
        try:
            from panoptic.syntax.parser import TABLES_SUFFIX, grammar_path, write_tables

            write_tables(grammar_path().with_suffix(TABLES_SUFFIX))
        except (ImportError, ValueError) as exc:  # no Lark here, or tables the lean loop cannot run: built on use
            print(f"panoptic: grammar tables not prebuilt ({exc})", file=sys.stderr)
        finally:
            sys.path.remove(self.build_lib)

    def _build_frozen_methods(self) -> None:
        """Import every module of the package that imports here (the build has none of its dependencies but
        Lark: the rest compile their classes at run time) and save the code of the classes they defined."""
        target = Path(self.build_lib) / "panoptic" / "_data" / "frozen.methods"
        target.unlink(missing_ok=True)  # an earlier build's: `write_methods` would keep what it holds
        script = (
            "import importlib, pkgutil, sys, panoptic, panoptic.frozen as frozen\n"
            "for info in pkgutil.walk_packages(panoptic.__path__, 'panoptic.', onerror=lambda name: None):\n"
            "    if not info.name.endswith('__main__'):\n"
            "        try:\n"
            "            importlib.import_module(info.name)\n"
            "        except BaseException:\n"
            "            pass\n"
            f"print(frozen.write_methods({str(target)!r}))\n"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([self.build_lib, *sys.path])}
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
        if done.returncode != 0 or not target.exists():  # the classes then compile at run time, as before
            print(f"panoptic: frozen class methods not precompiled: {done.stderr[-500:]}", file=sys.stderr)
            target.unlink(missing_ok=True)


setup(cmdclass={"build_py": BuildWithData})
