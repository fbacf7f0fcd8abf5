package claims

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"io"
	"testing"
)

// The chapters state how much one compressor costs. gzip.NewWriterLevel itself is small: the flate
// compressor is created at the first Write, so that is what is measured, at the level gin-contrib/gzip
// is given in the post (gzip.DefaultCompression) and at BestSpeed (the level of golang/go#32371).
func TestCompressorAllocation(t *testing.T) {
	cases := []struct {
		name     string
		level    int
		min, max uint64 // tolerant bounds for Go 1.26's encoder
	}{
		{"DefaultCompression", gzip.DefaultCompression, 600 << 10, 1100 << 10},
		{"BestSpeed", gzip.BestSpeed, 900 << 10, 1500 << 10},
	}
	for _, c := range cases {
		writer := allocatedBy(20, func() { _, _ = gzip.NewWriterLevel(io.Discard, c.level) })
		firstWrite := allocatedBy(20, func() {
			gz, _ := gzip.NewWriterLevel(io.Discard, c.level)
			_, _ = gz.Write([]byte("x"))
		})
		flateOnly := allocatedBy(20, func() { _, _ = flate.NewWriter(io.Discard, c.level) })
		t.Logf("%s: gzip.NewWriterLevel %d B; with its first Write %d B (%.0f KiB); flate.NewWriter %d B",
			c.name, writer, firstWrite, kib(firstWrite), flateOnly)
		if writer > 1<<10 {
			t.Errorf("%s: gzip.NewWriterLevel allocated %d B; expected a small struct, no compressor", c.name, writer)
		}
		if firstWrite < c.min || firstWrite > c.max {
			t.Errorf("%s: a gzip writer's first Write allocated %d B, outside [%d, %d]", c.name, firstWrite, c.min, c.max)
		}
	}
}

// Reset keeps the compressor: a pooled writer that has compressed once allocates nothing on reuse.
func TestResetReusesCompressor(t *testing.T) {
	gz := gzip.NewWriter(io.Discard)
	_, _ = gz.Write([]byte("warm"))
	_ = gz.Close()
	reuse := allocatedBy(50, func() {
		gz.Reset(io.Discard)
		_, _ = gz.Write([]byte("again"))
		_ = gz.Close()
	})
	t.Logf("Reset + Write + Close on a warm writer: %d B per use", reuse)
	if reuse > 1<<10 {
		t.Errorf("a reset writer allocated %d B per use; the compressor should be reused", reuse)
	}
}

// A gzip member with no data: 10-byte header, an empty final deflate block, 8-byte trailer.
func TestEmptyGzipBody(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("empty gzip body: %d bytes (% x)", buf.Len(), buf.Bytes())
	if buf.Len() != 23 {
		t.Errorf("empty gzip body is %d bytes, the chapter says 23", buf.Len())
	}
}

// When the header write fails, Write returns before it creates the flate compressor, so a fresh writer
// on a 204 path never allocates the deflate state; Close then returns the same error.
func TestFailedHeaderWriteAllocatesNoCompressor(t *testing.T) {
	bytesPerFailedClose := allocatedBy(20, func() {
		gz := gzip.NewWriter(failingWriter{})
		if err := gz.Close(); err != errRefused {
			t.Fatalf("Close returned %v, want the header write's error", err)
		}
	})
	t.Logf("fresh gzip.Writer whose header write fails, then Close: %d B", bytesPerFailedClose)
	if bytesPerFailedClose > 1<<10 {
		t.Errorf("a failed Close allocated %d B; no compressor should be created", bytesPerFailedClose)
	}
}

type failingWriter struct{}

var errRefused = io.ErrClosedPipe

func (failingWriter) Write([]byte) (int, error) { return 0, errRefused }
