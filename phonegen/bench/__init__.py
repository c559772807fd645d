"""``make bench``: how fast phonegen generates and validates, against floors.

Runs the product as a deployment does (server and worker processes, over the
HTTP API) on databases of its own, and sets every figure beside what no
implementation can beat (a bare bulk write of the same rows) and what a user
would write instead (``phonenumbers`` one number at a time). It measures and
reports; a missed target is a finding, not an error.
"""
