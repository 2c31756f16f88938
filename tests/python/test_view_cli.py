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
