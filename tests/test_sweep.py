"""The sweep: a tiny grid on a local Dask cluster, one table out."""

import pytest
from mnist_fake import write_fake_mnist

from snnedu.experiments import sweep


def test_tiny_grid_runs_on_a_local_dask_cluster_and_fills_one_table(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    data = write_fake_mnist(tmp_path / "data")
    jobs = sweep.sweep_jobs(
        sizes=[4, 6], rules=["triplet", "power_law"], seeds=[0], passes=1,
        dataset="mnist", data_dir=data, n_train=12, n_test=10,
    )  # fmt: skip
    seen = []
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:  # fmt: skip
        rows = sweep.run_sweep(jobs, scheduler=cluster.scheduler_address, on_result=seen.append)
    assert len(rows) == len(seen) == 4
    assert [(r["n"], r["rule"]) for r in rows] == [(j.n, j.rule) for j in jobs]
    assert all(0.0 <= r["accuracy"] <= 1.0 and r["n_test"] == 10 for r in rows)
    path = sweep.write_table(rows, tmp_path / "sweep.csv")
    back = sweep.read_table(path)
    assert [b["accuracy"] for b in back] == pytest.approx([r["accuracy"] for r in rows])
    assert list(back[0]) == list(sweep.COLUMNS)


def test_a_job_is_reproducible_from_its_seed(tmp_path):
    data = str(write_fake_mnist(tmp_path / "data"))
    job = sweep.SweepJob(5, "triplet", 3, 1, "mnist", data, 10, 8)
    a, b = sweep.run_job(job), sweep.run_job(job)
    assert a["accuracy"] == b["accuracy"] and a["spikes_per_image"] == b["spikes_per_image"]
    assert (a["integrator"], a["euler_unstable"], a["preset"]) == ("euler", 0, "paper")


def test_a_job_uses_the_integrator_asked_for_and_counts_euler_overshoots(tmp_path, monkeypatch):
    data = str(write_fake_mnist(tmp_path / "data"))
    [job] = sweep.sweep_jobs([5], ["triplet"], [3], 1, "mnist", data, 10, 8, "implicit")
    assert job.preset == "paper"
    implicit = sweep.run_job(job)
    assert implicit["integrator"] == "implicit"
    # 5 neurons cannot overshoot; the same job, but with every inhibitory spike strong enough
    # that a single one pushes forward Euler past its limit, must be counted as suspect
    from snnedu.networks import diehl_cook as dc

    strong = dc.DiehlCookParams(w_inh_exc=500.0)
    real_init = dc.init_diehl_cook
    monkeypatch.setattr(dc, "init_diehl_cook", lambda n, **kw: real_init(n, params=strong, **kw))
    assert sweep.run_job(job._replace(integrator="euler"))["euler_unstable"] >= 1
    assert sweep.run_job(job)["euler_unstable"] == 0  # the implicit step never overshoots
    with pytest.raises(ValueError, match="integrator"):
        sweep.sweep_jobs([5], ["triplet"], [0], integrator="rk4")


def test_a_course_job_uses_the_course_preset(tmp_path):
    from snnedu.networks import diehl_cook as dc

    data = str(write_fake_mnist(tmp_path / "data"))
    [job] = sweep.sweep_jobs([5], [None], [0], 1, "mnist", data, 10, 8, preset="course")
    row = sweep.run_job(job)
    _, protocol, _, rule = dc.preset("course", 5)
    assert (row["preset"], row["rule"]) == ("course", rule)
    assert row["integrator"] == ("implicit" if protocol.implicit_euler else "euler")
    with pytest.raises(ValueError, match="paper, course"):
        sweep.sweep_jobs([5], [None], [0], preset="quick")


def test_paper_schedule_and_bad_grids():
    jobs = sweep.sweep_jobs([100, 400, 1600, 6400], ["triplet"], [0])
    assert [j.passes for j in jobs] == [1, 3, 7, 15]
    with pytest.raises(ValueError, match="unknown STDP rule"):
        sweep.sweep_jobs([100], ["oja"], [0])
    with pytest.raises(ValueError, match="each of sizes must be a whole number >= 1"):
        sweep.sweep_jobs([-1], ["triplet"], [0])


def test_without_dask_the_sweep_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if absent
    with pytest.raises(ValueError, match=r"dask\[distributed\]"):
        sweep.run_sweep(sweep.sweep_jobs([5], ["triplet"], [0], passes=1))
