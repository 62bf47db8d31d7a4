"""Helper beside import_sys_path: tells the test where it lives."""
HERE = __file__.rsplit('/', 1)[0]
