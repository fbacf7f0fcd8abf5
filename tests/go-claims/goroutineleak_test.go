package claims

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The goroutineleak profile (GOEXPERIMENT=goroutineleakprofile in Go 1.26, generally available in Go
// 1.27) reports goroutines blocked on a primitive no runnable goroutine can reach. The post's stranded
// flushers are exactly that: after the size flush, only the parked goroutine still references the
// stopped ticker's channel. Goroutines parked on a channel a package variable references are not
// reported (the release notes' caveat). Builds testdata/goroutineleak with the experiment on Go 1.26
// (the first build compiles the runtime with it, a few seconds) or as is on Go 1.27.
func TestGoroutineLeakProfile(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goBin, "run", "./testdata/goroutineleak")
	cmd.Env = append(cmd.Environ(), "GOTOOLCHAIN=local")
	if goMinor(t) < 27 {
		cmd.Env = append(cmd.Env, "GOEXPERIMENT=goroutineleakprofile")
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run ./testdata/goroutineleak: %v\n%s", err, out)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	t.Logf("%s: %q; stack %q", runtime.Version(), first, lineWith(string(out), "scheduleFlush"))
	if first != "goroutineleak profile: total 20" {
		t.Errorf("want the 20 stranded flushers and not the 5 goroutines on a global channel; got:\n%s", out)
	}
	if !strings.Contains(string(out), "scheduleFlush.func1") {
		t.Errorf("the profile does not name the flusher:\n%s", out)
	}
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
