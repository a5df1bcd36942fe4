"""The sync API mounted at /sync, for holders of an inspector's token (api.py: the server's end;
client.py: the laptop's end over HTTP; file_batch.py: the wire format both speak for small files)."""
