// Wrong: FreeOSMemory after the import cannot help an import that dies at its peak.
// The import handler, as in the incident: open the upload, read every row of the sheet at once, then
// store them.
package main

import (
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

func importOrders(c *gin.Context, store *Store) {
	f, err := excelize.OpenReader(c.Request.Body)
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "not a readable .xlsx: " + err.Error()})
		return
	}
	defer f.Close()

	rows, err := f.GetRows("Orders")
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "cannot read sheet Orders: " + err.Error()})
		return
	}
	tx := store.Begin()
	for i, row := range rows {
		if i == 0 {
			continue // header
		}
		if err := tx.Add(i+1, row); err != nil {
			tx.Rollback()
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
	}
	n := tx.Commit()
	rows = nil
	debug.FreeOSMemory() // give the memory back
	c.JSON(http.StatusCreated, gin.H{"imported": n})
}
