"""Counts how many times its body ran."""
import sys

runs = getattr(sys, '_import_reload_runs', 0) + 1
sys._import_reload_runs = runs
print('helper body run', runs)


def who():
    return 'helper run %d' % runs
