"""Models of this app arrive with their issue; the app is installed so migrations start here."""
