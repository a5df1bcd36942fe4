"""The domain and its storage, with no Qt: models, sessions, migrations, workflow and use cases."""
