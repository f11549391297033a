"""IBM Quantum hardware: runtime jobs, the shared job ledger, and what a run will cost.

==============  ==============================================================================
module          what it holds
==============  ==============================================================================
``runtime``     the IBM service (credentials), backends, transpilation for a device, and
                ``RuntimeJobs``: sampler/estimator jobs sent through the ledger
``ledger``      ``JobLedger``: one SQLite file of every job sent (claimed before submission,
                so a crash or a second process never sends the same work twice), and the
                stamped result files beside it
``pricing``     ``QPUEstimate``: circuits, shots and QPU seconds of a run, priced from IBM's
                published rates, before anything is sent
``job_limits``  what one job may hold (IBM's limits, ``max_circuits_per_job``) and the one
                splitter every runtime job goes through
``modes``       execution modes: single jobs, a ``Batch`` or a ``Session``, chosen by the
                work, recorded in the ledger, rejoined on a rerun
``retry``       retries of transient failures with bounded backoff
==============  ==============================================================================
"""

__all__: list[str] = []
