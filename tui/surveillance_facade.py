"""The Surveillance screen's access to the database: cases and a case's evidence, and the
admin's decisions through db.surveil.act (journalled with the acting user and the note).
Blocking: call from thread workers."""
from souq.db import surveil as D
from souq.db.api import Api


class SurveillanceFacade:
    def __init__(self, url: str, actor: str, clock=None) -> None:
        self.api = Api(url, actor, clock=clock) if clock is not None else Api(url, actor)

    def cases(self) -> list[dict]:
        self.api.require_admin("use surveillance")
        return self.api.read(D.cases)

    def case(self, case_id: int) -> tuple[dict, list[dict], list[dict]] | None:
        self.api.require_admin("use surveillance")
        c = self.api.read(D.case, case_id)
        if c is None:
            return None
        orders, trades = self.api.read(D.case_orders, c)
        return c, orders, trades

    def act(self, case_id: int, action: str, note: str, *, suspend: bool = False,
            cancel: bool = False) -> dict:
        """Raises AccessDenied or CaseError (both with a one-line reason)."""
        return D.act(self.api, case_id, action, note, suspend=suspend, cancel=cancel)

    def close(self) -> None:
        self.api.close()
