"""Entity resolution: one entity id for every person and organisation mention.

``service.run_link`` is the entry point (``procura link``); ``explain``,
``review``, ``judgements`` and ``export`` serve the other subcommands.
"""
