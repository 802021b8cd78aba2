"""Trends of cybercrime and personal-information infringement, with change detection."""
