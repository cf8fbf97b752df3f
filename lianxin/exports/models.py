"""No models: an export that is too long to wait for is a job of the job app (``lianxin.jobs.models.Job``)."""
