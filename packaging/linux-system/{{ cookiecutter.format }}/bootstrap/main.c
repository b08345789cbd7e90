/*
 * /usr/bin/{{ cookiecutter.app_name }}: starts {{ cookiecutter.formal_name }} on the system Python.
 *
 * Why a compiled launcher instead of a shell script: Briefcase strips the binary
 * after the build, and an embedded interpreter lets us run isolated (no
 * PYTHONPATH, user site-packages or active virtualenv can leak into the app).
 *
 *   {{ cookiecutter.app_name }} [ARGS...]            runs `python -m {{ cookiecutter.module_name }} ARGS...`
 *   {{ cookiecutter.app_name }} -m MODULE [ARGS...]  runs MODULE instead
 *
 * The second form exists because sys.executable is this launcher: the app
 * starts its engine and image worker as `sys.executable -m deskmate.core...`,
 * exactly as it does under a plain interpreter in a source checkout.
 */
#include <Python.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef STDLIB_DIR
#error "STDLIB_DIR must name the system Python's standard library (the Makefile sets it)"
#endif

static void fail(PyConfig *config, PyStatus status) {
    PyConfig_Clear(config);
    Py_ExitStatusException(status);
}

static PyStatus add_path(PyConfig *config, const char *path) {
    wchar_t *wide = Py_DecodeLocale(path, NULL);
    if (wide == NULL) {
        return PyStatus_Error("cannot decode a module search path");
    }
    PyStatus status = PyWideStringList_Append(&config->module_search_paths, wide);
    PyMem_RawFree(wide);
    return status;
}

int main(int argc, char *argv[]) {
    PyStatus status;
    PyPreConfig preconfig;
    PyConfig config;
    char exe[PATH_MAX], prefix[PATH_MAX], path[PATH_MAX];
    const char *module = "{{ cookiecutter.module_name }}";
    int first_arg = 1;

    /* Paths are relative to the launcher, so a package root unpacked anywhere
       (the build tree, /usr) runs the code next to it. */
    if (realpath("/proc/self/exe", exe) == NULL) {
        perror("{{ cookiecutter.app_name }}: cannot find its own executable");
        return 1;
    }
    strcpy(prefix, exe);
    {
        /* <prefix>/bin/<app> -> <prefix>; dirname() may return its own argument, hence memmove. */
        char *dir = dirname(dirname(prefix));
        memmove(prefix, dir, strlen(dir) + 1);
    }

    if (argc >= 3 && strcmp(argv[1], "-m") == 0) {
        module = argv[2];
        first_arg = 3;
    }

    PyPreConfig_InitIsolatedConfig(&preconfig);
    preconfig.utf8_mode = 1;                            /* files and pipes are UTF-8 whatever the locale */
    preconfig.configure_locale = 1;
    status = Py_PreInitialize(&preconfig);
    if (PyStatus_Exception(status)) {
        Py_ExitStatusException(status);
    }

    PyConfig_InitIsolatedConfig(&config);
    config.install_signal_handlers = 1;                 /* Ctrl+C and SIGTERM behave as under python3 */
    config.write_bytecode = 0;                          /* /usr is read-only; the build ships the .pyc files */
    config.site_import = 0;                             /* keep the system's dist-packages out of sys.path */

    status = PyConfig_SetBytesString(&config, &config.executable, exe);
    if (PyStatus_Exception(status)) fail(&config, status);
    status = PyConfig_SetBytesString(&config, &config.run_module, module);
    if (PyStatus_Exception(status)) fail(&config, status);

    /* sys.argv: the launcher, then the arguments for the module (runpy puts the
       module's file in argv[0], as `python -m` does). */
    {
        int n = argc - first_arg + 1;
        char **args = malloc(sizeof(char *) * (size_t)n);
        if (args == NULL) {
            fail(&config, PyStatus_NoMemory());
        }
        args[0] = argv[0];
        for (int i = first_arg; i < argc; i++) {
            args[i - first_arg + 1] = argv[i];
        }
        status = PyConfig_SetBytesArgv(&config, n, args);
        free(args);
        if (PyStatus_Exception(status)) fail(&config, status);
    }

    config.module_search_paths_set = 1;
    status = add_path(&config, STDLIB_DIR);
    if (PyStatus_Exception(status)) fail(&config, status);
    status = add_path(&config, STDLIB_DIR "/lib-dynload");
    if (PyStatus_Exception(status)) fail(&config, status);
    snprintf(path, sizeof path, "%s/lib/{{ cookiecutter.app_name }}/app", prefix);
    status = add_path(&config, path);
    if (PyStatus_Exception(status)) fail(&config, status);
    /* A plain path entry rather than site.addsitedir(): none of the bundled
       requirements relies on a .pth file, and importing site costs start-up time. */
    snprintf(path, sizeof path, "%s/lib/{{ cookiecutter.app_name }}/app_packages", prefix);
    status = add_path(&config, path);
    if (PyStatus_Exception(status)) fail(&config, status);

    status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        Py_ExitStatusException(status);
    }
    /* Runs config.run_module like `python -m`: SystemExit codes, tracebacks and
       interpreter shutdown are handled exactly as the python3 binary does. */
    return Py_RunMain();
}
