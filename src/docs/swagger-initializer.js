// Swagger UI for clinic-content: reads the spec from this server's /openapi.json.
//
// The spec's `servers` name http://localhost:8080 (the default `serve`). The plugin below puts
// the origin these docs were loaded from first, so "Try it out" calls the server you are looking
// at, whatever its host and port, without needing CORS.
function ThisServerFirst() {
  return {
    statePlugins: {
      spec: {
        wrapActions: {
          updateJsonSpec: (original) => (spec) => {
            if (spec && typeof spec === "object") {
              const here = window.location.origin;
              const others = (spec.servers || []).filter((server) => server.url !== here);
              spec = Object.assign({}, spec, {
                servers: [{ url: here, description: "This server (the one serving these docs)" }].concat(others),
              });
            }
            return original(spec);
          },
        },
      },
    },
  };
}

window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    displayOperationId: true,
    displayRequestDuration: true,
    filter: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl, ThisServerFirst],
    layout: "StandaloneLayout",
  });
};
