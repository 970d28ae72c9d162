package peakrss

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

const holdEnv = "PEAKRSS_TEST_HOLD_MB"

// TestMain makes the test binary a child that holds memory when holdEnv says how much.
func TestMain(m *testing.M) {
	if mb := os.Getenv(holdEnv); mb != "" {
		hold(mb)
		return
	}
	os.Exit(m.Run())
}

func hold(mb string) {
	n, err := strconv.Atoi(mb)
	if err != nil {
		panic(err)
	}
	b := make([]byte, n<<20)
	for i := range b {
		b[i] = 1
	}
	time.Sleep(time.Second)
	_ = b[len(b)-1]
}

// TestRunCountsDescendants: two grandchildren (under a shell) holding 64 MB each count together.
func TestRunCountsDescendants(t *testing.T) {
	for _, tc := range []struct {
		script    string
		atLeastMB uint64
	}{
		{`"$0" & "$0" & wait`, 128},
		{`"$0"`, 64},
		{`true`, 0},
	} {
		cmd := exec.Command("sh", "-c", tc.script, os.Args[0])
		cmd.Env = append(os.Environ(), holdEnv+"=64")
		peak, err := Run(cmd, 50*time.Millisecond)
		if err != nil {
			t.Fatalf("%s: %v", tc.script, err)
		}
		if mb := peak >> 20; mb < tc.atLeastMB || mb > tc.atLeastMB+64 {
			t.Errorf("%s: peak %d MB, want %d to %d MB", tc.script, mb, tc.atLeastMB, tc.atLeastMB+64)
		}
	}
}
