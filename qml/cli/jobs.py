"""``qlimits jobs``: list, show, fetch and cancel the jobs in the ledger."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from qml.cli.common import int_at_least, table
from qml.errors import QlimitsError

__all__ = ["cmd_jobs", "add_parser"]

logger = logging.getLogger(__name__)


def _owner_text(record, owner_state) -> str:
    """Who claimed an in-flight row: ``pid 123 (live)``; nothing for finished rows."""
    if record.status not in ("pending", "submitted") or not record.owner:
        return ""
    host, _, rest = record.owner.partition("/")
    return f"pid {rest.partition('/')[0]} on {host} ({owner_state(record.owner)})"


def cmd_jobs(args) -> int:
    """``qlimits jobs list|show|fetch|cancel``: read or act on the job ledger."""
    import json as _json

    from qml.hardware.ledger import Ledger, owner_state, to_json
    from qml.paths import default_ledger_path

    path = Path(args.ledger) if args.ledger else default_ledger_path()
    if args.jobs_command == "list" and not path.exists() and not path.is_symlink():
        print(f"no jobs recorded yet (no ledger at {path})")
        return 0
    ledger = Ledger(path, create=False)  # reading jobs never creates a ledger
    if args.jobs_command == "list":
        rows = [(r.id, r.job_id or "-", r.backend, r.kind, r.mode or "-", r.status,
                 time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r.updated)),
                 _owner_text(r, owner_state), r.result_path or "")
                for r in ledger.list(args.last)]
        print(table(rows, ("row", "job id", "backend", "kind", "mode", "status", "updated",
                            "claimed by", "result")))
        return 0
    record = ledger.find(args.job) or (ledger.get(int(args.job)) if args.job.isdigit() else None)
    if record is None:
        raise QlimitsError(f"no job {args.job!r} in the ledger {ledger.path}")
    if args.jobs_command == "show":
        print(to_json(record))
    elif args.jobs_command == "fetch":
        if record.status == "done":
            from qml.hardware.job_results import load_result

            path = ledger.result_file(record)
            if path is None:
                raise QlimitsError(f"job {record.job_id}: its result file "
                                   f"{record.result_path!r} is missing or not in the results "
                                   f"folder {ledger.results_dir}")
            pubs = load_result(path)  # a damaged file is an error
            print(f"result of job {record.job_id}: {path} ({len(pubs)} pubs)")
        elif record.backend.startswith("ibm:") and record.job_id:
            from qml.backends import parse_backend
            from qml.hardware.runtime import RuntimeJobs, get_service

            spec = parse_backend(record.backend)
            service = get_service(spec.instance)
            runner = RuntimeJobs(spec, None, ledger, service=service)
            runner.collect(record.id, service.job(record.job_id), record.job_id)
            print(_json.dumps(ledger.get(record.id).__dict__, indent=1))
        else:
            raise QlimitsError(f"job {record.job_id} is {record.status} and cannot be fetched "
                               "(local fake: jobs end with their process)")
    elif args.jobs_command == "cancel":
        if record.status in ("done", "failed", "cancelled"):
            print(f"job {record.job_id} is already {record.status}")
            return 0
        if record.backend.startswith("ibm:") and record.job_id:
            from qml.backends import parse_backend
            from qml.hardware.runtime import get_service

            get_service(parse_backend(record.backend).instance).job(record.job_id).cancel()
        ledger.update(record.id, "cancelled")
        print(f"cancelled job {record.job_id or record.id}")
    return 0


def add_parser(sub, add) -> None:
    """Add the parser of ``qlimits jobs``; ``add(subparsers, name, **kwargs)`` gives it the
    options every command takes."""
    jobs = add(sub, "jobs", help="the job ledger: list, show, fetch, cancel",
                          description="Work with the SQLite job ledger "
                                      "($QLIMITS_LEDGER or ~/.qlimits/ledger.db).")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True, metavar="JOBS_COMMAND")
    for name, text in (("list", "list recorded jobs"), ("show", "one job's record"),
                       ("fetch", "get a job's result (from disk, or from IBM Quantum)"),
                       ("cancel", "cancel a job")):
        p = add(jobs_sub, name, help=text, description=text)
        if name == "list":
            p.add_argument("--last", type=int_at_least(1), default=None,
                           help="only the last N jobs")
        else:
            p.add_argument("job", help="job id (or ledger row number)")
        p.add_argument("--ledger", default=None, help="ledger file (default $QLIMITS_LEDGER)")
        p.set_defaults(func=cmd_jobs)
