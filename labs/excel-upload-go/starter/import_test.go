// The import through real Gin and excelize: a 40,000-row workbook built here with excelize's stream
// writer, imported while a sampler records the peak of heap memory. The eager GetRows holds the whole
// sheet as [][]string at once; a streamed import holds a row at a time. A bad row commits nothing, and
// neither does a worksheet whose XML ends early inside a valid zip.
package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

// heapBudget: what the import may add to the heap at its peak, well under the container's 52 MB.
const heapBudget = 24 << 20

func workbook(t *testing.T, rows int, badRow int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Orders"); err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter("Orders")
	if err != nil {
		t.Fatal(err)
	}
	header := make([]any, len(Columns))
	for i, c := range Columns {
		header[i] = c
	}
	_ = sw.SetRow("A1", header)
	for r := 2; r <= rows+1; r++ {
		row := make([]any, len(Columns))
		for i := range Columns {
			row[i] = fmt.Sprintf("%s-%d", Columns[i], (r*31+i*7)%997)
		}
		row[0], row[15], row[16], row[17] = r-1, r%500+1, float64(r%50000)/100, 5
		if r == badRow {
			row[15] = "many"
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func post(store *Store, body []byte) *httptest.ResponseRecorder {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.POST("/imports", func(c *gin.Context) { importOrders(c, store) })
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/imports", bytes.NewReader(body)))
	return w
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func TestImportStaysWithinTheBudget(t *testing.T) {
	body := workbook(t, 40_000, 0)
	store := NewStore()
	runtime.GC()
	base := heapObjects()
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			peak = max(peak, heapObjects())
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	w := post(store, body)
	close(stop)
	<-sampled
	if w.Code != http.StatusCreated || store.Count() != 40_000 {
		t.Fatalf("import answered %d %s with %d orders stored", w.Code, w.Body.String(), store.Count())
	}
	extra := peak - base
	t.Logf("a 40,000-row import (%d KB upload) took the heap %d MB above its start at its peak", len(body)>>10, extra>>20)
	if extra > heapBudget {
		t.Fatalf("the import took the heap %d MB above its start, more than the %d MB budget", extra>>20, heapBudget>>20)
	}
}

func TestABadRowCommitsNothing(t *testing.T) {
	store := NewStore()
	w := post(store, workbook(t, 2_000, 1_500))
	if w.Code != http.StatusBadRequest || store.Count() != 0 {
		t.Fatalf("a workbook with a bad row answered %d %s and left %d orders in the store", w.Code, w.Body.String(), store.Count())
	}
}

// cutSheet rewrites the workbook with its worksheet XML ending right after the </row> of sheet row
// `last`: the zip stays valid, only the sheet is cut short.
func cutSheet(t *testing.T, xlsx []byte, last int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		_ = rc.Close()
		if f.Name == "xl/worksheets/sheet1.xml" {
			end := bytes.Index(data, []byte(fmt.Sprintf(`<row r="%d"`, last+1)))
			if end < 0 {
				t.Fatalf("no row %d in the sheet", last+1)
			}
			data = data[:end]
		}
		w, _ := zw.Create(f.Name)
		_, _ = w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// excelize's row reader ends quietly where a cut-short sheet ends (rows.Error() stays nil), so an import
// must find out by itself that the sheet is not whole.
func TestASheetCutShortCommitsNothing(t *testing.T) {
	store := NewStore()
	w := post(store, cutSheet(t, workbook(t, 2_000, 0), 1_001))
	if w.Code != http.StatusBadRequest || store.Count() != 0 {
		t.Fatalf("a workbook whose sheet ends after row 1,001 answered %d %s and left %d orders in the store", w.Code, w.Body.String(), store.Count())
	}
}
