// Wrong: the order is fixed, but the wildcard https://*.shop.example lets in every sub-domain (such as
// https://x.shop.example), not only the two front ends the API serves.
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
	r.Use(ginzip.Gzip(gzip.DefaultCompression))
}

func corsConfig() cors.Config {
	return cors.Config{
		AllowOrigins:     []string{"https://shop.example", "https://*.shop.example"},
		AllowWildcard:    true,
		AllowMethods:     []string{"GET", "PUT"},
		AllowHeaders:     []string{"Content-Type", "X-Request-Id"},
		AllowCredentials: true,
		MaxAge:           12 * time.Hour,
	}
}
