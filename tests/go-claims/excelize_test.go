package claims

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const sheetPart = "xl/worksheets/sheet1.xml"

// workbook returns an .xlsx of n order rows plus a header, as excelize writes it.
func workbook(t *testing.T, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	_ = sw.SetRow("A1", []any{"order", "customer", "amount"})
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		_ = sw.SetRow(cell, []any{fmt.Sprintf("O-%05d", i), "ACME", i * 3})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// truncateSheet rewrites the archive with the worksheet XML cut off halfway: a valid zip holding a
// malformed worksheet, as a buggy exporter or a botched edit can produce.
func truncateSheet(t *testing.T, xlsx []byte) []byte {
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
		if f.Name == sheetPart {
			data = data[:len(data)/2]
		}
		w, _ := zw.Create(f.Name)
		_, _ = w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// readAll streams every row the way the chapter's import does and reports what it saw.
func readAll(t *testing.T, xlsx []byte) (rows int, columnsErr, rowsErr error) {
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	it, err := f.Rows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	for it.Next() {
		if _, err := it.Columns(); err != nil && columnsErr == nil {
			columnsErr = err
		}
		rows++
	}
	return rows, columnsErr, it.Error()
}

// checkWorksheetXML decodes the worksheet part to its end with encoding/xml, token by token, so it
// needs no more memory than streaming does, and returns the first syntax error.
func checkWorksheetXML(xlsx []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		return err
	}
	part, err := zr.Open(sheetPart)
	if err != nil {
		return err
	}
	defer part.Close()
	d := xml.NewDecoder(part)
	for {
		if _, err := d.Token(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// excelize's Rows iterator ignores XML decoding errors: on a malformed worksheet Next simply returns
// false, Columns returns no error and Error stays nil, so an import that trusts them commits the rows it
// got as if they were the whole sheet. Only a check of its own (here a token pass with encoding/xml)
// tells the truncated sheet from a short one.
func TestRowsStopsSilentlyOnMalformedXML(t *testing.T) {
	const n = 2000
	good := workbook(t, n)
	rows, colErr, rowsErr := readAll(t, good)
	if rows != n+1 || colErr != nil || rowsErr != nil || checkWorksheetXML(good) != nil {
		t.Fatalf("intact workbook: %d rows, errors %v / %v / %v", rows, colErr, rowsErr, checkWorksheetXML(good))
	}
	bad := truncateSheet(t, good)
	rows, colErr, rowsErr = readAll(t, bad)
	xmlErr := checkWorksheetXML(bad)
	t.Logf("excelize %s, worksheet XML cut in half: Next() yielded %d of %d rows, Columns() error %v, "+
		"Rows.Error() %v; encoding/xml on the same part: %v", "v2.11.1", rows, n+1, colErr, rowsErr, xmlErr)
	if rows == 0 || rows >= n+1 {
		t.Errorf("the truncated sheet yielded %d rows; expected a partial sheet", rows)
	}
	if colErr != nil || rowsErr != nil {
		t.Errorf("excelize reported the malformed XML (%v, %v); the chapter says it does not", colErr, rowsErr)
	}
	var syntax *xml.SyntaxError
	if !errors.As(xmlErr, &syntax) || !strings.Contains(xmlErr.Error(), "unexpected EOF") {
		t.Errorf("encoding/xml should report the cut: got %v", xmlErr)
	}
}

// cutSheetAt rewrites the archive with the worksheet XML ending where cut (given the whole part) says:
// the zip itself stays valid (its directory, sizes and CRCs describe the shortened part).
func cutSheetAt(t *testing.T, xlsx []byte, cut func(sheet []byte) int) []byte {
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
		if f.Name == sheetPart {
			data = data[:cut(data)]
		}
		w, _ := zw.Create(f.Name)
		_, _ = w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// A rows.Error() check after the loop does not catch a worksheet cut short, whether the XML ends right
// after a </row> or in the middle of a cell. In excelize v2.11.1 (the version go.mod pins):
//   - rows.go:109, Rows.Next: `token, _ := rows.decoder.Token()` drops the decoder's error; a nil token
//     (what Token returns with its error) ends the loop as if the sheet were complete (rows.go:110-111).
//   - rows.go:174, Rows.Columns: `token, _ = rows.decoder.Token()` likewise; and rows.go:247,
//     rowXMLHandler: `_ = colCell.cellXMLHandler(...)` drops the error of a cell cut in the middle, so the
//     row comes back with the cells before the cut and a nil error.
//   - rows.go:143-145, Rows.Error returns rows.err, which only rows.go:119 and rows.go:183 set, to
//     ErrMaxRows (a row number past 1,048,576).
//
// So on such a sheet the loop ends early, no call reports anything, and an import that commits when
// rows.Error() is nil commits the rows before the cut. A streamed encoding/xml pass over the same part
// reports the cut (XML syntax error ... unexpected EOF).
func TestRowsErrorMissesASheetCutAtARow(t *testing.T) {
	const n = 2000
	good := workbook(t, n)
	// the cut right after the </row> of sheet row half+1 (half data rows and the header)
	const half = n / 2
	atRow := cutSheetAt(t, good, func(sheet []byte) int {
		end := bytes.Index(sheet, []byte(fmt.Sprintf(`<row r="%d"`, half+2)))
		if end < 0 || !bytes.HasSuffix(sheet[:end], []byte("</row>")) {
			t.Fatalf("no </row> right before row %d in the sheet", half+2)
		}
		return end
	})
	// the cut inside the last cell of sheet row half+2, right after its <v>
	midRow := cutSheetAt(t, good, func(sheet []byte) int {
		start := bytes.Index(sheet, []byte(fmt.Sprintf(`<row r="%d"`, half+2)))
		cell := bytes.Index(sheet[start:], []byte(fmt.Sprintf(`<c r="C%d"`, half+2)))
		v := bytes.Index(sheet[start+cell:], []byte("<v>"))
		if start < 0 || cell < 0 || v < 0 {
			t.Fatalf("no cell C%d with a value in the sheet", half+2)
		}
		return start + cell + v + len("<v>")
	})
	for _, c := range []struct {
		name     string
		xlsx     []byte
		wantRows int
	}{
		{"cut right after a </row>", atRow, half + 1},
		{"cut inside a row's last cell", midRow, half + 2},
	} {
		if _, err := zip.NewReader(bytes.NewReader(c.xlsx), int64(len(c.xlsx))); err != nil {
			t.Fatalf("%s: the archive should be a valid zip: %v", c.name, err)
		}
		rows, colErr, rowsErr := readAll(t, c.xlsx)
		xmlErr := checkWorksheetXML(c.xlsx)
		t.Logf("excelize %s, worksheet XML %s: Next() yielded %d of %d rows, Columns() error %v, "+
			"rows.Error() %v; encoding/xml on the same part: %v", "v2.11.1", c.name, rows, n+1, colErr, rowsErr, xmlErr)
		if rows != c.wantRows {
			t.Errorf("%s: Next() yielded %d rows, expected the %d before the cut", c.name, rows, c.wantRows)
		}
		if colErr != nil || rowsErr != nil {
			t.Errorf("%s: excelize reported the cut (%v, %v); the chapter and the lab say it does not", c.name, colErr, rowsErr)
		}
		var syntax *xml.SyntaxError
		if !errors.As(xmlErr, &syntax) || !strings.Contains(xmlErr.Error(), "unexpected EOF") {
			t.Errorf("%s: encoding/xml should report the cut: got %v", c.name, xmlErr)
		}
	}
}
