"""One module per page; each builds its routes around the shared :class:`Web` context."""
