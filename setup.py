"""setuptools hooks for pyproject.toml: the extension cohsim._core comes from the CMake
build (target cohsim_python, python/CMakeLists.txt), and the configs and example traces
are shipped as package data in cohsim/data/ (where `python3 -m cohsim` looks for them).

The CMake build folder is $COHSIM_BUILD_DIR, else build/ in this source tree: configured
(Release) when it has no CMakeCache.txt, otherwise reused, so after `bash scripts/quickstart.sh`
pip compiles nothing."""
import glob
import os
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeBuild(build_ext):
    def run(self):
        build = os.path.abspath(os.environ.get("COHSIM_BUILD_DIR", os.path.join(ROOT, "build")))
        if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
            gen = ["-G", "Ninja"] if shutil.which("ninja") else []
            subprocess.check_call(["cmake", "-S", ROOT, "-B", build, *gen, "-DCMAKE_BUILD_TYPE=Release"])
        jobs = os.environ.get("JOBS", str(os.cpu_count() or 1))
        subprocess.check_call(["cmake", "--build", build, "-j", jobs, "--target", "cohsim_python"])
        built = glob.glob(os.path.join(build, "python", "cohsim", "_core*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one cohsim/_core*.so in {build}/python, found {built}")
        for ext in self.extensions:
            dest = self.get_ext_fullpath(ext.name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(built[0], dest)


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        data = os.path.join(self.build_lib, "cohsim", "data")
        for d in ("configs", "traces"):
            shutil.rmtree(os.path.join(data, d), ignore_errors=True)
            shutil.copytree(os.path.join(ROOT, d), os.path.join(data, d),
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(ext_modules=[Extension("cohsim._core", sources=[])],
      cmdclass={"build_ext": CMakeBuild, "build_py": BuildPyWithData})
