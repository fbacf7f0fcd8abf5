// The file service the logs are uploaded to. It stands in for a remote store: uploads are appended to a
// file under the workspace, so the service's own memory holds only counters.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

type uploadRecord struct {
	Trace string   `json:"trace"`
	Lines []string `json:"lines"`
}

type FileService struct {
	mu    sync.Mutex
	path  string
	file  *os.File
	lines int64
	count int64
}

func NewFileService(dir string) *FileService {
	_ = os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, fmt.Sprintf("uploads-%d-%d.ndjson", os.Getpid(), time.Now().UnixNano()))
	f, err := os.Create(p)
	if err != nil {
		panic(err)
	}
	return &FileService{path: p, file: f}
}

// Upload stores lines under traceID; the caller may reuse its slice afterwards.
func (f *FileService) Upload(traceID string, lines []string) {
	if len(lines) == 0 {
		return
	}
	b, _ := json.Marshal(uploadRecord{Trace: traceID, Lines: lines})
	f.mu.Lock()
	defer f.mu.Unlock()
	_, _ = f.file.Write(append(b, '\n'))
	f.lines += int64(len(lines))
	f.count++
}

// Uploads: every upload made under traceID, in the order they arrived.
func (f *FileService) Uploads(traceID string) [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := os.Open(f.path)
	if err != nil {
		return nil
	}
	defer r.Close()
	var out [][]string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		var u uploadRecord
		if json.Unmarshal(sc.Bytes(), &u) == nil && u.Trace == traceID {
			out = append(out, u.Lines)
		}
	}
	return out
}

func (f *FileService) Lines() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lines
}

func (f *FileService) Summary() map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return map[string]any{"lines": f.lines, "uploads": f.count}
}
