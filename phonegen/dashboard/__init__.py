"""The web dashboard at ``/``: server-rendered pages over the API's services."""
