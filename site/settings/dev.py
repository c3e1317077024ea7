"""Development: `make run` on a laptop, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY

DEBUG = True
SECRET_KEY = DEV_SECRET_KEY
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
