"""Pure North American Numbering Plan logic: no Django, no database.

Numbers travel through this package as 10-digit national numbers (``NPANXXXXXX``),
either as strings or as integers in numpy arrays; the stored form adds the
country code (``1NPANXXXXXX``) and E.164 adds a plus sign.
"""
