package kit

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"sync"
)

// The host's private channel to the supervisor, as kit/host.ts has it (kit/seal.ts): every event and
// reply goes out on descriptor 3 as "<HMAC-SHA256 of body, hex> <body>", under a key that arrives as the
// first line on stdin. Lab code shares this process, so what it prints on stdout is only ever shown,
// never obeyed, and a line it writes on descriptor 3 does not verify.
//
// The key is read in this package's init: package main imports the kit, so this runs before any of the
// lab's own package-level code, and a lab's init finds the line already taken.

var (
	channelKey   []byte
	channelOut   *os.File
	channelMu    sync.Mutex
	stdinScanner = bufio.NewScanner(os.Stdin)
)

func init() {
	stdinScanner.Buffer(make([]byte, 64*1024), 1024*1024)
	// Only a supervisor sets this, and then the key line is already on its way. Without it (go test, or
	// the binary started by hand) nothing is read from stdin and nothing is said.
	if os.Getenv("LEAKBOOK_HOST_CHANNEL") != "3" {
		return
	}
	if !stdinScanner.Scan() {
		os.Exit(0) // the supervisor is already gone
	}
	var hello struct {
		Key string `json:"key"`
	}
	if json.Unmarshal(stdinScanner.Bytes(), &hello) != nil {
		os.Exit(2)
	}
	key, err := hex.DecodeString(hello.Key)
	if err != nil || len(key) == 0 {
		os.Exit(2)
	}
	channelKey = key
	channelOut = os.NewFile(3, "leakbook-host-channel")
}

// say sends one sealed message ({"e": event} or {"r": reply}) to the supervisor.
func say(kind string, v any) {
	b, err := json.Marshal(map[string]any{kind: v})
	if err != nil {
		b, _ = json.Marshal(map[string]any{"e": map[string]string{"type": "error", "message": err.Error()}})
	}
	if channelOut == nil {
		return
	}
	m := hmac.New(sha256.New, channelKey)
	m.Write(b)
	line := make([]byte, 0, 2*sha256.Size+1+len(b)+1)
	line = hex.AppendEncode(line, m.Sum(nil))
	line = append(line, ' ')
	line = append(line, b...)
	line = append(line, '\n')
	channelMu.Lock()
	defer channelMu.Unlock()
	_, _ = channelOut.Write(line)
}
