// Package peakrss runs a command and measures the peak of its process tree's memory: the sum of
// the resident set sizes of the command's process and of every process under it, sampled from
// /proc. A figure for the whole tree, where wait4's ru_maxrss reports its largest process only.
package peakrss

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Run runs cmd and returns the highest sum seen, in bytes, sampling every interval.
func Run(cmd *exec.Cmd, interval time.Duration) (uint64, error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var peak uint64
	for {
		peak = max(peak, treeRSS(cmd.Process.Pid))
		select {
		case err := <-done:
			return peak, err
		case <-tick.C:
		}
	}
}

// treeRSS sums the resident set sizes of pid and its descendants; a process that ends while it
// is read counts for nothing.
func treeRSS(pid int) uint64 {
	var sum uint64
	for pending := []string{strconv.Itoa(pid)}; len(pending) > 0; {
		p := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		if statm, err := os.ReadFile("/proc/" + p + "/statm"); err == nil {
			if f := strings.Fields(string(statm)); len(f) > 1 {
				pages, _ := strconv.ParseUint(f[1], 10, 64)
				sum += pages * uint64(os.Getpagesize())
			}
		}
		tasks, _ := os.ReadDir("/proc/" + p + "/task")
		for _, task := range tasks {
			children, _ := os.ReadFile("/proc/" + p + "/task/" + task.Name() + "/children")
			pending = append(pending, strings.Fields(string(children))...)
		}
	}
	return sum
}
