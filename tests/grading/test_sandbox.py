"""coursework.grading.kernel.sandbox: each case confines a fresh ``python -c`` child, tries one thing, reports JSON.

The module is loaded by file path in the child (as the grading launcher does), so these tests
also prove it stands alone. Skipped as a whole, with the reason, where the sandbox cannot be set up.
"""

import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SANDBOX = Path(__file__).resolve().parents[2] / "coursework" / "grading" / "kernel" / "sandbox.py"
ROOT = SANDBOX.parents[3]         # the repository (the course)
sb = runpy.run_path(str(SANDBOX))
PROBE = sb["probe"]()
MISSING = PROBE["missing"]
pytestmark = pytest.mark.skipif(MISSING is not None, reason=f"no sandbox here: {MISSING}")
ABI = PROBE.get("landlock_abi", 0)

CHILD = """
import errno, json, os, runpy, sys
sb = runpy.run_path({sandbox!r})
ctx = {{}}
{before}
report = sb["apply"](sb["Policy"].from_json({policy!r}))
def attempt(f):
    try:
        return {{"ok": True, "value": f()}}
    except BaseException as exc:
        return {{"ok": False, "error": type(exc).__name__, "errno": getattr(exc, "errno", None), "text": str(exc)}}
out = {{}}
{body}
print(json.dumps({{"out": out, "report": report}}))
"""


def run_child(policy, body, before="", timeout=120):
    code = CHILD.format(sandbox=str(SANDBOX), policy=policy.to_json(), before=textwrap.dedent(before),
                        body=textwrap.dedent(body))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env,
                          cwd="/", stdin=subprocess.DEVNULL)                # never a terminal (TIOCSTI case)
    assert done.returncode == 0, f"child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])["out"]


@pytest.fixture
def place(tmp_path):
    """scratch (read-write), allowed/ (read-only), socks/ (socket dir), and outside files standing for the course."""
    for name in ("scratch", "allowed", "socks", "other"):
        (tmp_path / name).mkdir()
    (tmp_path / "allowed" / "notebook.txt").write_text("released notebook")
    (tmp_path / "gradebook.db").write_text("secret scores")
    (tmp_path / "gradebook.db").chmod(0o644)
    return tmp_path


def policy_for(place, **limits):
    return sb["kernel_policy"](place / "scratch", read_only=[place / "allowed"], socket_dirs=[place / "socks"],
                               exclude=[str(ROOT)], **limits)


def denied(result, *errnos):
    return not result["ok"] and (not errnos or result["errno"] in errnos)


def test_files_read_write_and_symlinks(place):
    out = run_child(policy_for(place), f"""
        out["read_allowed"] = attempt(lambda: open({str(place / "allowed/notebook.txt")!r}).read())
        out["read_gradebook"] = attempt(lambda: open({str(place / "gradebook.db")!r}).read())
        out["list_outside"] = attempt(lambda: os.listdir({str(place)!r}))
        out["read_course"] = attempt(lambda: open({str(ROOT / "README.md")!r}).read())
        out["write_scratch"] = attempt(lambda: open({str(place / "scratch/out.txt")!r}, "w").write("x"))
        out["write_allowed"] = attempt(lambda: open({str(place / "allowed/new.txt")!r}, "w").write("x"))
        out["write_outside"] = attempt(lambda: open({str(place / "other/new.txt")!r}, "w").write("x"))
        out["append_gradebook"] = attempt(lambda: open({str(place / "gradebook.db")!r}, "a").write("x"))
        os.symlink({str(place / "gradebook.db")!r}, {str(place / "scratch/link")!r})
        out["read_symlink"] = attempt(lambda: open({str(place / "scratch/link")!r}).read())
        out["hardlink"] = attempt(lambda: os.link({str(place / "gradebook.db")!r}, {str(place / "scratch/hard")!r}))
        out["chmod_gradebook"] = attempt(lambda: os.chmod({str(place / "gradebook.db")!r}, 0))
        out["utime_gradebook"] = attempt(lambda: os.utime({str(place / "gradebook.db")!r}, (0, 0)))
        out["dev_null"] = attempt(lambda: open("/dev/null", "w").write("x"))
        out["shadow"] = attempt(lambda: open("/etc/shadow").read())
    """)
    assert out["read_allowed"] == {"ok": True, "value": "released notebook"}
    assert out["write_scratch"]["ok"] and (place / "scratch/out.txt").read_text() == "x"
    assert out["dev_null"]["ok"]
    for key in ("read_gradebook", "list_outside", "read_course", "write_allowed", "write_outside",
                "append_gradebook", "read_symlink", "shadow"):
        assert denied(out[key], 13), (key, out[key])
    assert denied(out["hardlink"], 13, 18), out["hardlink"]          # EACCES or EXDEV
    assert out["chmod_gradebook"]["ok"] and out["utime_gradebook"]["ok"], out   # no-ops that report success
    assert (place / "gradebook.db").read_text() == "secret scores"
    assert os.stat(place / "gradebook.db").st_mode & 0o777 == 0o644 and os.stat(place / "gradebook.db").st_mtime > 1e6
    assert not (place / "allowed/new.txt").exists() and not (place / "other/new.txt").exists()


def test_file_size_limit(place):
    out = run_child(policy_for(place, file_mb=1), f"""
        def big():
            with open({str(place / "scratch/big.bin")!r}, "wb") as f:
                f.write(b"x" * (2 * 1024 * 1024))
        out["big"] = attempt(big)
        out["small"] = attempt(lambda: open({str(place / "scratch/small.bin")!r}, "wb").write(b"x" * 1000))
    """)
    assert denied(out["big"], 27), out["big"]                          # EFBIG
    assert out["small"] == {"ok": True, "value": 1000}
    assert os.path.getsize(place / "scratch/big.bin") <= 1024 * 1024


def test_no_processes_but_threads(place):
    out = run_child(policy_for(place), """
        import subprocess, threading, multiprocessing
        out["fork"] = attempt(lambda: os.fork())
        out["subprocess"] = attempt(lambda: subprocess.run(["/bin/true"]).returncode)
        out["posix_spawn"] = attempt(lambda: os.posix_spawn("/bin/true", ["true"], {}))
        out["multiprocessing"] = attempt(lambda: multiprocessing.Process(target=print).start())
        box = []
        t = threading.Thread(target=lambda: box.append(sum(range(1000))))
        t.start(); t.join()
        out["thread"] = box
    """)
    for key in ("fork", "subprocess", "posix_spawn", "multiprocessing"):
        assert denied(out[key], 1), (key, out[key])
    assert out["thread"] == [499500]


def test_no_network(place):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    port = server.getsockname()[1]
    try:
        out = run_child(policy_for(place), f"""
            import socket
            out["inet"] = attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            out["inet6"] = attempt(lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))
            out["netlink"] = attempt(lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW))
            out["create_connection"] = attempt(lambda: socket.create_connection(("127.0.0.1", {port}), timeout=5))
            out["preopened_connect"] = attempt(lambda: ctx["pre"].connect(("127.0.0.1", {port})))
        """, before="import socket; ctx['pre'] = socket.socket(socket.AF_INET, socket.SOCK_STREAM)")
        server.settimeout(0.5)
        with pytest.raises(socket.timeout):
            server.accept()                                              # nobody reached the server
    finally:
        server.close()
    for key in ("inet", "inet6", "create_connection"):
        assert denied(out[key], 1), (key, out[key])
    assert denied(out["netlink"], 95), out["netlink"]                  # EOPNOTSUPP: libzmq survives it
    if ABI >= 4:
        assert denied(out["preopened_connect"], 13), out["preopened_connect"]


def test_unix_sockets_only_in_socket_dirs(place):
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind("\0coursework-sandbox-test-%d" % os.getpid())
    listener.listen(1)
    try:
        out = run_child(policy_for(place), f"""
            import socket
            def bind(path):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.bind(path)
                return path
            out["socket_dir"] = attempt(lambda: bind({str(place / "socks/k.sock")!r}))
            out["elsewhere"] = attempt(lambda: bind({str(place / "other/k.sock")!r}))
            out["read_only_dir"] = attempt(lambda: bind({str(place / "allowed/k.sock")!r}))
            out["pair"] = attempt(lambda: len(socket.socketpair(socket.AF_UNIX)))
            out["abstract_outside"] = attempt(lambda: socket.socket(socket.AF_UNIX).connect(
                "\\0coursework-sandbox-test-{os.getpid()}"))
        """)
    finally:
        listener.close()
    assert out["socket_dir"]["ok"] and (place / "socks/k.sock").exists()
    assert out["pair"] == {"ok": True, "value": 2}
    assert denied(out["elsewhere"], 13) and denied(out["read_only_dir"], 13), out
    if ABI >= 6:
        assert denied(out["abstract_outside"], 1), out["abstract_outside"]


def test_forbid_connect_reaches_no_socket_for_any_thread(place):
    """After forbid_connect(): no connect() (pathname or abstract, from a thread started before too),
    no sendto() with an address, no sendmsg(); a connected pair still talks."""
    path = str(place / "other" / "server.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(4)
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract.bind(f"\0coursework-forbid-{os.getpid()}")
    abstract.listen(4)
    datagram = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    datagram.bind(str(place / "other" / "dgram.sock"))
    try:
        out = run_child(policy_for(place), f"""
            import socket, threading
            def connect(where):
                socket.socket(socket.AF_UNIX).connect(where)
                return "connected"
            out["before"] = attempt(lambda: connect({path!r}))
            go, box = threading.Event(), []
            def later():
                go.wait()
                box.append(attempt(lambda: connect({path!r})))
            thread = threading.Thread(target=later)
            thread.start()
            out["report"] = attempt(lambda: sb["forbid_connect"]())
            go.set(); thread.join()
            out["thread"] = box[0]
            out["path"] = attempt(lambda: connect({path!r}))
            out["abstract"] = attempt(lambda: connect("\\0coursework-forbid-{os.getpid()}"))
            out["sendto"] = attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(
                b"x", {str(place / "other" / "dgram.sock")!r}))
            a, b = socket.socketpair()
            out["pair"] = attempt(lambda: (a.send(b"hi"), b.recv(2).decode())[1])
            out["sendmsg"] = attempt(lambda: a.sendmsg([b"x"]))
        """)
        datagram.settimeout(0.2)
        with pytest.raises(socket.timeout):
            datagram.recv(10)                                           # nothing arrived
    finally:
        for s in (listener, abstract, datagram):
            s.close()
    assert out["before"] == {"ok": True, "value": "connected"}, out["before"]   # the sandbox alone lets it connect
    assert out["report"]["ok"] and out["report"]["value"]["connect"] == "refused", out["report"]
    for key in ("thread", "path", "abstract", "sendto", "sendmsg"):
        assert denied(out[key], 1), (key, out[key])
    assert out["pair"] == {"ok": True, "value": "hi"}


def test_signals_and_proc_of_outside_processes(place):
    # seccomp refuses these at any ABI (the pid is checked); Landlock ABI >= 6 scopes signals as well
    me = os.getpid()
    old = signal.signal(signal.SIGTERM, signal.SIG_IGN)              # a failure must not end the test run
    try:
        out = run_child(policy_for(place), f"""
            import signal, threading
            out["kill0"] = attempt(lambda: os.kill({me}, 0))
            out["sigterm"] = attempt(lambda: os.kill({me}, signal.SIGTERM))
            out["group"] = attempt(lambda: os.kill(0, 0))                    # signal 0: harmless even unconfined
            out["all"] = attempt(lambda: os.kill(-1, 0))
            out["tgkill"] = attempt(lambda: signal.pthread_kill(threading.get_ident(), 0))
            out["self"] = attempt(lambda: os.kill(os.getpid(), 0))
            signal.signal(signal.SIGUSR1, lambda *a: ctx.setdefault("got", True))
            out["raise"] = attempt(lambda: (signal.raise_signal(signal.SIGUSR1), ctx.get("got"))[1])
            out["environ"] = attempt(lambda: len(open("/proc/%d/environ" % os.getppid(), "rb").read()))
            out["own_environ"] = attempt(lambda: len(open("/proc/self/environ", "rb").read()) > 0)
            out["parent_cmdline"] = attempt(lambda: open("/proc/%d/cmdline" % os.getppid(), "rb").read().decode())
            out["unix_socket_list"] = attempt(lambda: open("/proc/net/unix").read())
            out["own_status"] = attempt(lambda: "Seccomp:\t2" in open("/proc/self/status").read())
            out["thread_status"] = attempt(lambda: len(open("/proc/thread-self/status").read()) > 0)
            out["cpuinfo"] = attempt(lambda: len(open("/proc/cpuinfo").read()) > 0)
            out["proc_root"] = attempt(lambda: open("/proc/self/root/etc/shadow").read())
        """)
    finally:
        signal.signal(signal.SIGTERM, old)
    for key in ("kill0", "sigterm", "group", "all"):
        assert denied(out[key], 1), (key, out[key])
    assert out["self"]["ok"] and out["tgkill"]["ok"] and out["raise"] == {"ok": True, "value": True}, out
    assert denied(out["environ"], 13), out["environ"]
    assert out["own_environ"] == out["own_status"] == out["thread_status"] == out["cpuinfo"] == {"ok": True,
                                                                                                 "value": True}
    for key in ("parent_cmdline", "unix_socket_list", "proc_root"):          # other kernels' socket paths stay hidden
        assert denied(out[key], 13), (key, out[key])


def test_memory_limit(place):
    out = run_child(policy_for(place, memory_mb=2048), """
        out["six_gb"] = attempt(lambda: len(bytearray(6 * 1024 ** 3)))
        out["ten_mb"] = attempt(lambda: len(bytearray(10 * 1024 ** 2)))
    """)
    assert out["six_gb"]["error"] == "MemoryError", out["six_gb"]
    assert out["ten_mb"] == {"ok": True, "value": 10 * 1024 ** 2}


def test_mount_unshare_and_privileged_calls(place):
    out = run_child(policy_for(place), f"""
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        def call(name, *args):
            if getattr(libc, name)(*args) == 0:
                return "succeeded"
            raise OSError(ctypes.get_errno(), name)
        # a file system type that does not exist: even unconfined, this mounts nothing (ENODEV)
        out["mount"] = attempt(lambda: call("mount", b"none", {str(place / "scratch").encode()!r},
                                            b"coursework-no-such-fs", 0, None))
        out["unshare_user"] = attempt(lambda: call("unshare", 0x10000000))
        out["unshare_net"] = attempt(lambda: call("unshare", 0x40000000))
        out["chroot"] = attempt(lambda: call("chroot", {str(place / "scratch").encode()!r}))
        out["ptrace"] = attempt(lambda: call("ptrace", 0, 0, None, None))
        libc.syscall.restype = ctypes.c_long
        out["clone3"] = attempt(lambda: call("syscall", 435, None, 0))
        out["pdeathsig_off"] = attempt(lambda: call("prctl", 1, 0, 0, 0, 0))
        out["sysv_shm"] = attempt(lambda: call("shmget", 0, 4096, 0o1600))          # IPC_PRIVATE | IPC_CREAT
        out["tiocsti"] = attempt(lambda: call("ioctl", 0, 0x5412, b"x"))
        out["ioctl_other"] = attempt(lambda: call("ioctl", 0, 0x5421, ctypes.byref(ctypes.c_int(0))))  # FIONBIO
        out["set_name"] = attempt(lambda: call("prctl", 15, b"student", 0, 0, 0))   # other prctls still work
        out["clone_newuser_thread"] = attempt(lambda: call("syscall", 56, 0x10000000 | 0x10000 | 0x800 | 0x100, 0))
    """)
    assert out["set_name"] == {"ok": True, "value": "succeeded"}
    assert out["ioctl_other"]["ok"] or out["ioctl_other"]["errno"] != 1, out["ioctl_other"]
    for key in ("mount", "unshare_user", "unshare_net", "chroot", "ptrace", "clone_newuser_thread", "pdeathsig_off",
                "sysv_shm", "tiocsti"):
        assert denied(out[key], 1), (key, out[key])
    assert denied(out["clone3"], 38), out["clone3"]                    # ENOSYS: glibc falls back to clone


def test_python_stack_works_inside(place):
    out = run_child(policy_for(place, memory_mb=2048), """
        def numpy_matmul():
            import numpy as np
            a = np.arange(12.0).reshape(3, 4)
            return (a @ a.T).tolist()
        out["numpy"] = attempt(numpy_matmul)
        out["ipykernel"] = attempt(lambda: __import__("ipykernel.kernelapp").__name__)
    """)
    assert out["numpy"]["ok"], out["numpy"]
    import numpy as np
    expected = (np.arange(12.0).reshape(3, 4) @ np.arange(12.0).reshape(3, 4).T).tolist()
    np.testing.assert_allclose(out["numpy"]["value"], expected, rtol=1e-12)
    assert out["ipykernel"] == {"ok": True, "value": "ipykernel"}


def test_apply_from_env_removes_the_variable(place):
    env_policy = policy_for(place).to_json()
    code = (f"import json, os, runpy; sb = runpy.run_path({str(SANDBOX)!r}); r = sb['apply_from_env']();"
            f" print(json.dumps([r['landlock']['abi'], 'COURSEWORK_SANDBOX' in os.environ,"
            f" 'COURSEWORK_SANDBOX' in json.dumps(dict(os.environ))]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd="/",
                          env=dict(os.environ, COURSEWORK_SANDBOX=env_policy))
    assert done.returncode == 0, done.stderr
    abi, still_set, in_values = json.loads(done.stdout)
    assert abi == ABI and still_set is False and in_values is False    # os.environ no longer holds the policy
    load = f"import runpy; runpy.run_path({str(SANDBOX)!r})['apply_from_env']()"
    env = {k: v for k, v in os.environ.items() if k != "COURSEWORK_SANDBOX"}
    unset = subprocess.run([sys.executable, "-c", load], capture_output=True, text=True, timeout=60, env=env)
    assert unset.returncode != 0 and "COURSEWORK_SANDBOX is not set" in unset.stderr


def test_probe_and_missing_say_ready():
    result = sb["probe"]()
    assert result["ready"] is True and result["missing"] is None and result["landlock_abi"] >= 1
    assert sb["missing"]() is None
    cli = subprocess.run([sys.executable, str(SANDBOX), "--probe"], capture_output=True, text=True, timeout=60)
    assert json.loads(cli.stdout)["ready"] is True


def test_policy_json_round_trip_and_bad_input():
    policy = sb["Policy"](read_only=["/usr"], read_write=["/tmp/x"], memory_mb=512, cpu_seconds=30)
    assert sb["Policy"].from_json(policy.to_json()) == policy
    with pytest.raises(sb["SandboxError"], match="unknown fields"):
        sb["Policy"].from_json('{"read_only": [], "network": true}')
    with pytest.raises(sb["SandboxError"], match="memory_mb: expected a positive int"):
        sb["Policy"](memory_mb=-1)
    for bad in ("/usr", ["usr/lib"], None, ["/usr\0/x"]):
        with pytest.raises(sb["SandboxError"], match="read_only: expected a list of absolute path strings"):
            sb["Policy"](read_only=bad)
    with pytest.raises(sb["SandboxError"], match="proc: expected 'self', 'all' or 'none'"):
        sb["Policy"](proc="everything")


def test_default_read_paths_never_reach_the_course():
    root = str(ROOT)
    prefix = os.path.realpath(sys.prefix)
    paths = sb["default_read_paths"]([root])
    for path in paths:
        inside_root = path == root or path.startswith(root + "/")
        assert not inside_root or path.startswith(prefix), path               # only the venv, if it lives there
        assert not root.startswith(path.rstrip("/") + "/"), path              # never a folder holding the course
    for banned in ("/tmp", "/root", "/home", "/etc", "/dev/shm", "/", "/proc"):
        assert banned not in paths
    assert "/usr" in paths and "/etc/passwd" in paths
    site = next(p for p in sys.path if p.endswith("site-packages"))
    numpy_dir = os.path.join(os.path.realpath(site), "numpy")
    narrowed = sb["default_read_paths"]([root, os.path.join(site, "pytest")])   # a package inside site-packages
    assert os.path.realpath(site) not in narrowed and numpy_dir in narrowed
    assert not any(p == os.path.realpath(os.path.join(site, "pytest")) for p in narrowed)
    assert sb["listed_paths"]([root, os.path.join(site, "pytest")]) == []      # excluded: not even listed
    hidden = os.path.join(site, "pytest")
    assert sb["default_read_paths"]([root], [hidden]) == narrowed
    listed = sb["listed_paths"]([root], [hidden])                                # hidden: its parents stay listable
    assert os.path.realpath(site) in listed
    assert all(os.path.realpath(hidden).startswith(p + "/") for p in listed), listed


def test_hidden_package_cannot_be_read_but_its_neighbours_import(place):
    """A package in a folder of importable modules (site-packages after ``pip install .``) is hidden:
    listing the folder and importing its other modules work, reading the package does not."""
    lib = place / "lib"
    (lib / "secretpkg").mkdir(parents=True)
    (lib / "secretpkg" / "__init__.py").write_text("ANSWER = 42\n")
    (lib / "friendly.py").write_text("VALUE = 'imported'\n")
    policy = sb["kernel_policy"](place / "scratch", exclude=[str(ROOT)], hide=[str(lib / "secretpkg")])
    policy.read_only += sb["default_read_paths"]([str(ROOT)], [str(lib / "secretpkg")])
    policy.read_only += [str(p) for p in lib.iterdir() if p.name != "secretpkg"]
    policy.list_only.append(str(lib))
    out = run_child(policy, f"""
        import sys
        sys.path.insert(0, {str(lib)!r})
        out["list"] = attempt(lambda: sorted(os.listdir({str(lib)!r})))
        out["import_friend"] = attempt(lambda: __import__("friendly").VALUE)
        out["read_secret"] = attempt(lambda: open({str(lib / "secretpkg" / "__init__.py")!r}).read())
        out["import_secret"] = attempt(lambda: __import__("secretpkg").ANSWER)
    """)
    assert out["list"]["ok"] and "secretpkg" in out["list"]["value"], out["list"]
    assert out["import_friend"] == {"ok": True, "value": "imported"}
    assert denied(out["read_secret"], 13), out["read_secret"]
    assert not out["import_secret"]["ok"], out["import_secret"]


def test_ipykernel_starts_and_runs_a_cell_inside(place):
    """A real kernel under the sandbox: ipc transport in the socket dir, HOME etc. in scratch."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    scratch, socks = place / "scratch", place / "socks"
    launcher = (f"import os, runpy, sys\nrunpy.run_path({str(SANDBOX)!r})['apply_from_env']()\n"
                "del sys.path[0]\nfrom ipykernel import kernelapp\nkernelapp.launch_new_instance()\n")

    class OneSpec(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):  # noqa: ARG002 - one spec
            return KernelSpec(argv=[sys.executable, "-c", launcher, "-f", "{connection_file}"], name="sandboxed",
                              display_name="sandboxed", language="python")

    manager = KernelManager(kernel_name="sandboxed", kernel_spec_manager=OneSpec(), transport="ipc",
                            ip=str(socks / "kernel"), connection_file=str(socks / "kernel.json"))
    policy = policy_for(place, memory_mb=2048, open_files=1024)
    policy.read_only.append(str(socks))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(scratch), "IPYTHONDIR": str(scratch / ".ipython"),
           "MPLCONFIGDIR": str(scratch / ".mpl"), "OPENBLAS_NUM_THREADS": "1", "COURSEWORK_SANDBOX": policy.to_json()}
    manager.start_kernel(env=env, cwd=str(scratch))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        code = (f"import numpy as np, os\nprint(int((np.ones((2, 2)) @ np.ones((2, 2))).sum()))\n"
                f"try:\n    open({str(place / 'gradebook.db')!r})\nexcept PermissionError:\n    print('denied')\n"
                f"try:\n    os.fork()\nexcept OSError:\n    print('no fork')\n")
        texts = []
        reply = client.execute_interactive(code, timeout=120, output_hook=texts.append)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    printed = "".join(m["content"].get("text", "") for m in texts if m["msg_type"] == "stream")
    assert printed.split() == ["8", "denied", "no", "fork"], printed


def _header_numbers(path, prefixes):
    import re
    numbers = {}
    if os.path.exists(path):
        for line in open(path):
            match = re.match(r"#define __NR(?:3264)?_(\w+)\s+(\d+)\s*$", line)
            if match and match.group(1) not in numbers:
                numbers[match.group(1)] = int(match.group(2))
    return numbers


@pytest.mark.parametrize("arch, header", [("x86_64", "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"),
                                          ("aarch64", "/usr/include/asm-generic/unistd.h")])
def test_seccomp_tables_match_the_kernel_headers_and_assemble(arch, header):
    audit, _, table = sb["_ARCHES"][arch]
    known = _header_numbers(header, ())
    if not known:
        pytest.skip(f"{header} is not installed here")
    ours = dict(table["deny"], **table["metadata"],
                **{k: table[k] for k in ("clone", "clone3", "socket", "socketpair", "utimensat", "prctl", "ioctl",
                                         "connect", "sendto", "sendmsg", "sendmmsg", "seccomp")},
                **table["signal_own"])
    assert len(set(ours.values())) == len(ours)                        # no number in two lists
    compared = {name: nr for name, nr in ours.items() if name in known}
    assert len(compared) >= len(ours) - 8                              # newer calls may be missing from old headers
    assert {name: known[name] for name in compared} == compared
    for block in (True, False):
        program, denied, _ = sb["_filter"](arch, block, 12345)
        instructions, _ = sb["_assemble"](program)
        assert instructions[1].k == audit and len(instructions) < 200 and "ptrace" in denied
    instructions, _ = sb["_assemble"](sb["_no_connect_filter"](arch))
    assert instructions[1].k == audit and table["connect"] in {i.k for i in instructions}


CAN_BECOME_NOBODY = os.geteuid() == 0 and os.path.exists("/usr/bin/setpriv") and os.path.exists("/usr/bin/python3")


@pytest.mark.skipif(not CAN_BECOME_NOBODY, reason="needs root, setpriv and /usr/bin/python3 to become a normal user")
def test_works_as_a_normal_user():
    import shutil
    import tempfile
    tmp_path = Path(tempfile.mkdtemp(prefix="coursework-sandbox-"))       # pytest's own folder is root-only
    try:
        _as_normal_user(tmp_path)
    finally:
        shutil.rmtree(tmp_path)


def _as_normal_user(tmp_path):
    tmp_path.chmod(0o755)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    os.chown(scratch, 65534, 65534)
    copy = tmp_path / "sandbox.py"
    copy.write_text(SANDBOX.read_text())
    copy.chmod(0o644)
    code = (f"import json, os, runpy\nsb = runpy.run_path({str(copy)!r})\n"
            f"r = sb['apply'](sb['kernel_policy']({str(scratch)!r}, processes=64))\n"
            "def t(f):\n    try:\n        f(); return 'ok'\n    except OSError as e:\n        return e.errno\n"
            f"print(json.dumps([os.getuid(), r['capabilities']['bounding_set_dropped'],"
            f" t(lambda: open({str(scratch / 'a')!r}, 'w').write('x')), t(lambda: open({str(copy)!r}).read()),"
            f" t(os.fork), t(lambda: os.kill(1, 0))]))\n")
    done = subprocess.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3",
                           "-c", code], capture_output=True, text=True, timeout=60, cwd="/")
    assert done.returncode == 0, done.stderr
    uid, bounding_dropped, write, read_outside, fork, kill = json.loads(done.stdout)
    assert (uid, bounding_dropped, write, read_outside, fork) == (65534, False, "ok", 13, 1)
    assert kill == 1                                                   # EPERM: not ours (and scoped on ABI >= 6)


@pytest.mark.parametrize("err, words", [(38, "no Landlock (ENOSYS"), (95, "disabled (EOPNOTSUPP")])
def test_probe_names_a_missing_landlock(err, words):
    """A kernel without Landlock, imitated by a seccomp filter answering landlock_create_ruleset with ``err``."""
    code = f"""
import ctypes, json, runpy
sb = runpy.run_path({str(SANDBOX)!r})
program = [(0x20, 0, None, None), (0x15, 444, "no", None), (0x06, 0x7FFF0000, None, None),
           ("label", "no"), (0x06, 0x00050000 | {err}, None, None)]
instructions, SockFilter = sb["_assemble"](program)
class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]
prog = Prog(len(instructions), instructions)
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(38, 1, 0, 0, 0) == 0 and libc.prctl(22, 2, ctypes.c_void_p(ctypes.addressof(prog)), 0, 0) == 0
print(json.dumps(sb["_probe_here"]()))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["ready"] is False and words in result["missing"] and "\n" not in result["missing"], result
