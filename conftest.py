"""Repository-wide pytest settings. Deliberately empty of side effects.

The lab spec lives in ``tests/lab1_*``; the plugin (``plugin/pytest_kubelab``) is
loaded through its ``pytest11`` entry point once the project is installed.
"""
