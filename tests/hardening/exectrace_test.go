package hardening

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// execTrace collects the command line of every exec on the host from the kernel's audit
// records. The lab's nodes are containers on the host's kernel, so a command a node runs is
// among them however briefly it lives: sampling ps misses a process of a few milliseconds, and
// the proc connector reports an exec but not its argv, which /proc no longer holds once the
// process has exited or exec'd again.
//
// The test is the audit daemon while it traces: records come to it alone, none to the kernel
// log. A task that existed before audit was first enabled in this boot is not audited until it
// forks; every command of a run started after the trace is.
type execTrace struct {
	fd   int
	lost string // the kernel's count of lost records when the trace started

	mu     sync.Mutex
	events map[string][]string // audit serial -> arguments, decoded
	order  []string            // serials in arrival order
	err    error               // the first read error: the trace is incomplete
}

const (
	auditSet        = 1001 // AUDIT_SET
	auditExecve     = 1309 // AUDIT_EXECVE: the arguments of one exec
	auditStatusPID  = 4    // AUDIT_STATUS_PID
	execTraceKey    = "pgsvc-exec-trace"
	execTraceBuffer = 32 << 20
)

// startExecTrace makes the test the host's audit daemon, with a rule for every exec, until the
// test ends; the host's audit settings are put back then.
func startExecTrace(t *testing.T) *execTrace {
	t.Helper()
	before := auditStatus(t)
	switch {
	case before["enabled"] == "2":
		t.Fatal("the host's audit configuration is locked (auditctl -s: enabled 2): no exec rule can be added")
	case before["pid"] != "0":
		t.Fatalf("an audit daemon runs (pid %s): the trace would take its records", before["pid"])
	}
	tr := &execTrace{fd: auditSocket(t), lost: before["lost"], events: map[string][]string{}}
	removeRules := "auditctl -D -k " + execTraceKey
	restore := fmt.Sprintf("auditctl -e %s -b %s --backlog_wait_time %s", before["enabled"], before["backlog_limit"], before["backlog_wait_time"])
	shell(t, removeRules) // left by a run that was killed

	// A test binary that dies (a go test timeout) runs no cleanup: a guard in a session of its
	// own takes the rules away and puts the settings back once this process is gone.
	guard := exec.Command("sh", "-c", fmt.Sprintf("tail --pid=%d -f /dev/null; %s; %s", os.Getpid(), removeRules, restore))
	guard.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := guard.Start(); err != nil {
		t.Fatal(err)
	}
	// Cleanups run last first: the rules go, then the daemon, then the settings come back.
	t.Cleanup(func() {
		shell(t, restore)
		_ = syscall.Kill(-guard.Process.Pid, syscall.SIGKILL)
		_ = guard.Wait()
	})
	// Room for the records of a busy run; when there is none, a record is lost (and counted)
	// rather than the exec waiting on the test.
	auditctl(t, "-b", "65536", "--backlog_wait_time", "0", "-e", "1")
	tr.setDaemon(t, os.Getpid())
	stop, done := make(chan struct{}), make(chan struct{})
	go func() { defer close(done); tr.read(stop) }()
	t.Cleanup(func() {
		close(stop)
		<-done
		tr.setDaemon(t, 0)
		syscall.Close(tr.fd)
	})
	t.Cleanup(func() { shell(t, removeRules) })
	for _, arch := range []string{"b64", "b32"} {
		auditctl(t, "-a", "exit,always", "-F", "arch="+arch, "-S", "execve", "-S", "execveat", "-k", execTraceKey)
	}
	tr.mark(t)
	return tr
}

// auditSocket opens the kernel's audit netlink socket with room for a burst of records, and
// reads that give up after 200 ms so that a reader can stop.
func auditSocket(t *testing.T) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_RAW|syscall.SOCK_CLOEXEC, syscall.NETLINK_AUDIT)
	if err == nil {
		err = syscall.Bind(fd, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK})
	}
	if err == nil {
		err = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, execTraceBuffer)
	}
	if err == nil {
		tv := syscall.NsecToTimeval((200 * time.Millisecond).Nanoseconds())
		err = syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
	}
	if err != nil {
		t.Fatalf("audit netlink socket: %v", err)
	}
	return fd
}

// setDaemon makes the process pid the audit daemon, whose socket the kernel sends every record
// to; pid 0 ends that. It waits for the kernel's answer, passing over any record before it.
func (tr *execTrace) setDaemon(t *testing.T, pid int) {
	t.Helper()
	const statusLen = 11 * 4 // struct audit_status
	msg := make([]byte, syscall.NLMSG_HDRLEN+statusLen)
	binary.NativeEndian.PutUint32(msg[0:], uint32(len(msg)))
	binary.NativeEndian.PutUint16(msg[4:], auditSet)
	binary.NativeEndian.PutUint16(msg[6:], syscall.NLM_F_REQUEST|syscall.NLM_F_ACK)
	binary.NativeEndian.PutUint32(msg[8:], uint32(pid+1)) // sequence number
	binary.NativeEndian.PutUint32(msg[syscall.NLMSG_HDRLEN:], auditStatusPID)
	binary.NativeEndian.PutUint32(msg[syscall.NLMSG_HDRLEN+12:], uint32(pid))
	if err := syscall.Sendto(tr.fd, msg, 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		t.Fatalf("AUDIT_SET pid %d: %v", pid, err)
	}
	buf := make([]byte, 1<<16)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		n, _, err := syscall.Recvfrom(tr.fd, buf, 0)
		if err != nil || n < syscall.NLMSG_HDRLEN+4 || binary.NativeEndian.Uint16(buf[4:]) != syscall.NLMSG_ERROR {
			continue
		}
		if errno := int32(binary.NativeEndian.Uint32(buf[syscall.NLMSG_HDRLEN:])); errno != 0 {
			t.Fatalf("AUDIT_SET pid %d: %v", pid, syscall.Errno(-errno))
		}
		return
	}
	t.Fatalf("AUDIT_SET pid %d: no answer from the kernel", pid)
}

// finish waits until every exec so far has been read, and fails the test if the kernel or the
// socket dropped a record on the way.
func (tr *execTrace) finish(t *testing.T) {
	t.Helper()
	tr.mark(t)
	if lost := auditStatus(t)["lost"]; lost != tr.lost {
		t.Errorf("the kernel lost audit records during the trace (lost %s, was %s): it is incomplete", lost, tr.lost)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.err != nil {
		t.Errorf("reading the audit records: %v: the trace is incomplete", tr.err)
	}
}

// mark execs a marker command on the host and waits until the trace has it: records come in
// order, so every exec before it has been read too.
func (tr *execTrace) mark(t *testing.T) {
	t.Helper()
	marker := "pgsvc-exec-trace-" + randomToken(t)
	if err := exec.Command("true", marker).Run(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !tr.saw(marker) {
		if time.Now().After(deadline) {
			t.Fatalf("the exec trace did not see the marker exec %s within 30 s", marker)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// argvs is the command line of every exec traced, in order.
func (tr *execTrace) argvs() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	out := make([]string, 0, len(tr.order))
	for _, serial := range tr.order {
		out = append(out, strings.Join(tr.events[serial], " "))
	}
	return out
}

func (tr *execTrace) saw(text string) bool {
	for _, argv := range tr.argvs() {
		if strings.Contains(argv, text) {
			return true
		}
	}
	return false
}

// read takes records from the socket until stop closes. A daemon gets one record per
// datagram, whose header's length leaves the header out (as auditd expects).
func (tr *execTrace) read(stop <-chan struct{}) {
	buf := make([]byte, 1<<16)
	for {
		select {
		case <-stop:
			return
		default:
		}
		n, _, err := syscall.Recvfrom(tr.fd, buf, 0)
		switch {
		case errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR):
		case err != nil:
			tr.mu.Lock()
			if tr.err == nil {
				tr.err = err // ENOBUFS: the socket's buffer overflowed and records were dropped
			}
			tr.mu.Unlock()
		case n > syscall.NLMSG_HDRLEN && binary.NativeEndian.Uint16(buf[4:]) == auditExecve:
			tr.add(strings.TrimRight(string(buf[syscall.NLMSG_HDRLEN:n]), "\x00"))
		}
	}
}

var (
	auditSerial = regexp.MustCompile(`^audit\(\d+\.\d+:(\d+)\):`)
	// aN="text", aN=HEX, or a chunk aN[i]=... of a long argument.
	auditArg = regexp.MustCompile(`\ba(\d+)(?:\[\d+\])?=("[^"]*"|[0-9A-F]+)`)
)

// add takes one EXECVE record; a long command line comes in several, with its event's serial.
func (tr *execTrace) add(record string) {
	serial := auditSerial.FindStringSubmatch(record)
	if serial == nil {
		return
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	args, seen := tr.events[serial[1]]
	if !seen {
		tr.order = append(tr.order, serial[1])
	}
	for _, m := range auditArg.FindAllStringSubmatch(record, -1) {
		i, _ := strconv.Atoi(m[1])
		for len(args) <= i {
			args = append(args, "")
		}
		args[i] += auditValue(m[2])
	}
	tr.events[serial[1]] = args
}

// auditValue decodes an argument as audit logs it: quoted, or in hex when it holds a space, a
// quote or a control character.
func auditValue(v string) string {
	if strings.HasPrefix(v, `"`) {
		return strings.Trim(v, `"`)
	}
	b, err := hex.DecodeString(v)
	if err != nil {
		return v
	}
	return string(b)
}

// auditStatus is auditctl -s, by field.
func auditStatus(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("auditctl", "-s").CombinedOutput()
	if err != nil {
		t.Fatalf("auditctl -s (make host-deps installs auditd): %v\n%s", err, out)
	}
	status := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 2 {
			status[f[0]] = f[1]
		}
	}
	return status
}

func auditctl(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("auditctl", args...).CombinedOutput(); err != nil {
		t.Fatalf("auditctl %v: %v\n%s", args, err, out)
	}
}

func shell(t *testing.T, script string) {
	t.Helper()
	if out, err := exec.Command("sh", "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
}

// randomToken is 32 random hex digits, as long as a generated password.
func randomToken(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// TestExecTraceRecords decodes EXECVE records as the kernel writes them: plain and hex
// arguments, and a long one in chunks spread over two records of one event.
func TestExecTraceRecords(t *testing.T) {
	tr := &execTrace{events: map[string][]string{}}
	for _, r := range []string{
		`audit(1796307584.037:100): argc=3 a0="sh" a1="-c" a2=736C65657020302E3031202320736563726574`,
		`audit(1796307584.041:101): argc=2 a0="true" a1_len=12 a1[0]=68656C6C6F20`,
		`audit(1796307584.041:101): a1[1]="world!"`,
	} {
		tr.add(r)
	}
	want := []string{"sh -c sleep 0.01 # secret", "true hello world!"}
	if got := tr.argvs(); !slices.Equal(got, want) {
		t.Errorf("argvs %q, want %q", got, want)
	}
}
