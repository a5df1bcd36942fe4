"""The daily digest's delivery from the central server (issue 25): message shapes and sending
(senders.py), and the schedule every server process runs (scheduler.py). Content: core.digest;
targets and sends: core.notify."""
