"""`python -m deskmate`, and the entry point of the installed app's launcher.

`deskmate -m MODULE ARGS...` runs another deskmate module as __main__. The app
starts its engine and image worker as `sys.executable -m deskmate.core...`; in
an installed app sys.executable is the app's own launcher, and Briefcase's
Windows and macOS launchers always run this module, so it passes such a request on.
"""

import runpy
import sys


def _child_module(argv: list[str]) -> str | None:
    if len(argv) >= 3 and argv[1] == "-m" and argv[2].startswith("deskmate."):
        return argv[2]
    return None


module = _child_module(sys.argv)
if module is not None:
    sys.argv = [sys.argv[0], *sys.argv[3:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
else:
    from deskmate.cli import main

    main()
