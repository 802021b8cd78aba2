"""Request and response models of the REST API (``XIn`` bodies, ``XPublic`` answers)."""
