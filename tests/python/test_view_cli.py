"""`cohsim run --view` writes the page it was asked for and nothing else."""
import os
import subprocess

from conftest import BUILD, repo


def test_view_without_events_writes_only_the_page(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    r = subprocess.run([os.path.join(BUILD, "cohsim"), "run", repo("configs", "classroom-msi.yaml"), "--trace",
                        repo("traces", "mp.trace"), "--quiet", "--view", "page.html"],
                       cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(work)) == ["page.html"]
    assert os.listdir(tmp) == []  # the temporary event log is gone
    page = (work / "page.html").read_text()
    assert page.lstrip().lower().startswith("<!doctype html") and '"schema":6' in page.replace(" ", "")


def test_view_with_events_keeps_the_log(tmp_path):
    r = subprocess.run([os.path.join(BUILD, "cohsim"), "run", repo("configs", "classroom-msi.yaml"), "--trace",
                        repo("traces", "mp.trace"), "--quiet", "--events", "run.jsonl", "--view", "page.html"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path)) == ["page.html", "run.jsonl"]


def test_litmus_replay_view_shows_the_relaxed_run(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    cohsim = os.path.join(BUILD, "cohsim")
    mp = repo("traces", "litmus", "MP+rlx.litmus")
    r = subprocess.run([cohsim, "litmus", mp, "--isa", "arm", "--runs", "200", "--json"], env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    import json
    k = json.loads(r.stdout)["first_condition_run"]
    r = subprocess.run([cohsim, "litmus", mp, "--isa", "arm", "--replay", str(k), "--view", "mp.html"], cwd=tmp_path,
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    # The page shows the run that produced the relaxed outcome: the flag seen, the data not.
    assert "outcome        core1:r0=1 core1:r1=0" in r.stdout, r.stdout
    assert sorted(os.listdir(tmp_path)) == ["mp.html", "tmp"]
    assert os.listdir(tmp) == []  # the replayed trace and its log are gone
    assert (tmp_path / "mp.html").read_text().lstrip().lower().startswith("<!doctype html")
    r = subprocess.run([cohsim, "litmus", mp, "--isa", "arm", "--view", "mp2.html"], cwd=tmp_path, env=env,
                       capture_output=True, text=True)
    assert r.returncode != 0 and "--view needs --replay K" in r.stderr


def test_view_reads_schemas_2_to_6_and_names_the_others(tmp_path):
    # `cohsim view` reads the logs of schemas 2 to 6 (docs/event-log.md; later schemas only
    # add records and fields, which the page shows when present) and refuses others with
    # the file, the line and the schemas it reads.
    import json
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    cohsim = os.path.join(BUILD, "cohsim")
    log = tmp_path / "run.jsonl"
    r = subprocess.run([cohsim, "run", repo("configs", "classroom-msi.yaml"), "--trace", repo("traces", "mp.trace"),
                        "--quiet", "--set", "isa=arm", "--events", str(log)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = log.read_text().splitlines()
    header = json.loads(lines[0])
    assert header["schema"] == 6
    assert any(json.loads(x).get("exclusive") for x in lines[1:]), "the arm log has load-exclusive records"
    for k, schema in enumerate((2, 3, 4, 5, 6, 7, "6")):
        old = tmp_path / f"s{k}.jsonl"
        old.write_text("\n".join([json.dumps(dict(header, schema=schema))] + lines[1:]) + "\n")
        page = tmp_path / f"s{k}.html"
        r = subprocess.run([cohsim, "view", str(old), "-o", str(page)], env=env, capture_output=True, text=True)
        if schema in (2, 3, 4, 5, 6):
            assert r.returncode == 0, r.stderr
            assert page.read_text().lstrip().lower().startswith("<!doctype html")
        else:
            assert r.returncode != 0 and not page.exists()
            assert f"{old}:1: event log schema {json.dumps(schema)} is not one this cohsim reads" in r.stderr, r.stderr
            assert "valid: 2, 3, 4, 5, 6" in r.stderr, r.stderr
