#!/usr/bin/python3
"""Executes notebooks with real Jupyter (nbclient) and a given kernel, headless.

    /usr/bin/python3 scripts/run_notebooks.py --kernel NAME --out DIR NOTEBOOK...
    /usr/bin/python3 scripts/run_notebooks.py --html-only --out DIR NOTEBOOK...

--mathjax-url and --require-js-url point the HTML export's scripts elsewhere (e.g. copies beside it).

For each notebook: runs every cell top to bottom in the notebook's own folder, writes the
executed notebook and its HTML export (nbconvert) to DIR, and on a failing cell prints that
cell's source and its error output (tslab reports type and runtime errors on stderr), so the
failure is visible rather than nbconvert's bare "<Error>:". Exit status 1 if any failed.
"""
import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter


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


def run(path, kernel, out_dir, timeout, urls):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
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
    unexecuted = [c for c in nb.cells if c.cell_type == "code" and c.get("execution_count") is None and c.source.strip()]
    if ok and unexecuted:
        ok = False
        print(f"FAIL {path}: {len(unexecuted)} code cell(s) never ran", flush=True)
    for cell in failed[:1]:
        print(f"FAIL {path}: cell {nb.cells.index(cell)} failed\n--- cell source ---\n{cell.source}\n--- error ---\n{error_text(cell)}\n", flush=True)
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
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args()
    urls = {"mathjax_url": args.mathjax_url, "require_js_url": args.require_js_url}
    if args.html_only:
        for p in args.notebooks:
            export_html(nbformat.read(p, as_version=4), args.out, os.path.splitext(os.path.basename(p))[0], urls)
        return
    if not args.kernel:
        ap.error("--kernel is required to execute notebooks")
    results = [run(p, args.kernel, args.out, args.timeout, urls) for p in args.notebooks]
    print(f"{sum(results)} of {len(results)} notebook(s) ran without error", flush=True)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
