"""Loopback fakes of the networks' APIs: real HTTP servers for the tests and ``make demo``.

They answer with the networks' documented success and error shapes (see
``../shared/PLATFORMS.md``) and never reach the internet.
"""
