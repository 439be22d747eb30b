"""The ``hopfieldlab`` command line."""
