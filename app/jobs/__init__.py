"""RQ entry points. Each job is a function of a module under ``app.jobs``, named by its
dotted path (``app.jobs.notifications.deliver``); queued jobs hold these paths, so they stay
stable when the domain code behind them moves. Enqueueing lives in ``app.core.dispatch``."""
