// Wrong: the limit refuses the oversized workbook, and a 20,000-row GetRows still passes the container limit.
// The import handler, as in the incident: open the upload, read every row of the sheet at once, then
// store them.
package main

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

func importOrders(c *gin.Context, store *Store) {
	f, err := excelize.OpenReader(c.Request.Body, excelize.Options{UnzipSizeLimit: 64 << 20})
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
	c.JSON(http.StatusCreated, gin.H{"imported": n})
}
