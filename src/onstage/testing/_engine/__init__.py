"""The sandbox's engine: everything that does not depend on which APIs are faked. It knows no API by
name and imports none of their packages; the services it serves are handed to it (``Core``)."""
