// Right: CORS first; the compression level is a separate trade-off.
// The API's middleware. CORS comes first: a preflight is answered (204, no body) and aborted before the
// compression middleware ever wraps the writer, so no gzip writer is taken for it and nothing tries to
// write a gzip header into a response that may not have a body.
package main

import (
	"compress/gzip"
	"time"

	"github.com/gin-contrib/cors"
	ginzip "github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

func useMiddleware(r *gin.Engine) {
	r.Use(cors.New(corsConfig()))
	r.Use(ginzip.Gzip(gzip.BestSpeed))
}

func corsConfig() cors.Config {
	return cors.Config{
		AllowOrigins:     allowedOrigins,
		AllowMethods:     []string{"GET", "PUT"},
		AllowHeaders:     []string{"Content-Type", "X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           12 * time.Hour,
	}
}
