"""Upper bounds of the resource options, in a module of their own so the CLI can declare them without
importing the configuration machinery at start-up."""

#: ``--jobs``: beyond this a run only forks until the machine gives out.
MAX_JOBS = 256
#: ``--bootstrap`` / ``bootstrap``: resamples behind one confidence interval.
MAX_BOOTSTRAP = 100_000
