#!/usr/bin/python3
"""Executes notebooks with real Jupyter (nbclient) and a given kernel, headless.

    /usr/bin/python3 scripts/run_notebooks.py --kernel NAME [--linger S] --out DIR NOTEBOOK...
    /usr/bin/python3 scripts/run_notebooks.py --html-only --out DIR NOTEBOOK...

--mathjax-url and --require-js-url point the HTML export's scripts elsewhere (e.g. copies beside it).

For each notebook: runs every cell top to bottom in the notebook's own folder, writes the
executed notebook and its HTML export (nbconvert) to DIR, and on a failing cell prints that
cell's source and its error output (tslab reports type and runtime errors on stderr), so the
failure is visible rather than nbconvert's bare "<Error>:". Exit status 1 if any failed.
"""
import argparse
import os
import queue
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.util import ensure_async
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbconvert import HTMLExporter


class LingeringClient(NotebookClient):
    """nbclient reads a cell's outputs until the kernel reports it idle, and drops messages for
    any other request. Deno's kernel forwards stdout and display messages asynchronously, so a
    cell's outputs can arrive after its idle status — during the next cell, or (the last cell's)
    only when the kernel is asked something again. A front end such as JupyterLab routes every
    message to its cell by the parent header whenever it comes; so does this client. With
    linger > 0 it also ends the notebook with an empty request and keeps reading until the
    kernel has been quiet that many seconds, so the last cell's outputs come in too."""

    linger = 0.0

    def _route(self, msg):
        """A message for an earlier request goes to that request's cell; True if it had one."""
        owner = self._cells.get(msg["parent_header"].get("msg_id"))
        if owner is None:
            return False
        try:
            self.process_message(msg, *owner)
        except CellExecutionComplete:
            pass
        return True

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        if not hasattr(self, "_cells"):
            self._cells = {}
        # Known from the start, not only once idle: nbclient gives up on this poll iopub_timeout
        # seconds after the reply (a loaded machine can take longer), and the cell's outputs that
        # come after that must still find it.
        self._cells[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self._route(msg)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        last = max(i for i, c in enumerate(self.nb.cells) if c.cell_type == "code")
        if self.linger > 0 and cell_index == last:
            await self._drain()
        return cell

    async def _drain(self):
        sentinel = await ensure_async(self.kc.execute("", store_history=False))
        idle = False
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=self.linger))
            except queue.Empty:
                if idle:
                    return
                continue
            if msg["parent_header"].get("msg_id") == sentinel:
                idle = idle or (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle")
            else:
                self._route(msg)


def error_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
            parts.extend(out.get("traceback", []))
    return "\n".join(p for p in parts if p).strip()


def export_html(nb, out_dir, name, urls):
    exporter = HTMLExporter(**{k: v for k, v in urls.items() if v})
    html, _ = exporter.from_notebook_node(nb)
    with open(os.path.join(out_dir, f"{name}.html"), "w") as f:
        f.write(html)


def run(path, kernel, out_dir, timeout, urls, linger):
    nb = nbformat.read(path, as_version=4)
    client = LingeringClient(nb, kernel_name=kernel, timeout=timeout,
                             resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    client.linger = linger
    # nbclient's 4 s wait for a cell's idle status after its reply is short on a loaded machine.
    client.iopub_timeout = 60
    name = os.path.splitext(os.path.basename(path))[0]
    t0 = time.time()
    ok = True
    try:
        client.execute()
    except CellExecutionError:
        ok = False
    # tslab can report a failed cell on stderr without an "error" output: look at every cell.
    failed = [c for c in nb.cells if c.cell_type == "code" and any(
        o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr")
        for o in c.get("outputs", []))]
    if failed:
        ok = False
    unexecuted = [c for c in nb.cells
                  if c.cell_type == "code" and c.get("execution_count") is None and c.source.strip()]
    if ok and unexecuted:
        ok = False
        print(f"FAIL {path}: {len(unexecuted)} code cell(s) never ran", flush=True)
    for cell in failed[:1]:
        print(f"FAIL {path}: cell {nb.cells.index(cell)} failed\n--- cell source ---\n{cell.source}\n"
              f"--- error ---\n{error_text(cell)}\n", flush=True)
    os.makedirs(out_dir, exist_ok=True)
    nbformat.write(nb, os.path.join(out_dir, f"{name}.ipynb"))
    export_html(nb, out_dir, name, urls)
    print(f"{'PASS' if ok else 'FAIL'} {path} ({time.time() - t0:.1f} s)", flush=True)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel")
    ap.add_argument("--html-only", action="store_true", help="export executed notebooks to HTML in --out")
    ap.add_argument("--mathjax-url", help="MathJax 2 for the HTML export")
    ap.add_argument("--require-js-url", help="require.js for the HTML export")
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--linger", type=float, default=0.0,
                    help="after the last cell, read late outputs until the kernel is quiet this many seconds")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args()
    urls = {"mathjax_url": args.mathjax_url, "require_js_url": args.require_js_url}
    if args.html_only:
        for p in args.notebooks:
            export_html(nbformat.read(p, as_version=4), args.out, os.path.splitext(os.path.basename(p))[0], urls)
        return
    if not args.kernel:
        ap.error("--kernel is required to execute notebooks")
    results = [run(p, args.kernel, args.out, args.timeout, urls, args.linger) for p in args.notebooks]
    print(f"{sum(results)} of {len(results)} notebook(s) ran without error", flush=True)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
