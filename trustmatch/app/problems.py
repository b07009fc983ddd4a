"""Problems the user can fix, as one plain sentence each, shared by both front ends."""


class UserError(Exception):
    """A problem the user can fix, in one sentence."""
