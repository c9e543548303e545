//! One route table drives the cloud and the local edition: `infra/template.yaml` (the SAM
//! HttpApi events), `infra/openapi.yaml` and the local gateway must declare exactly the routes
//! of `platform::routes::ROUTES` — same method and path, same function, same access (public
//! routes without an authorizer, every other route behind the JWT authorizer) — and every
//! folder under `functions/` must have its SAM function, built from its own package.
//!
//! Each test gathers every difference before failing, so one run lists them all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use platform::routes::{Access, Route, ROUTES};
use serde_yaml::Value;

const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_owned()
}

fn load_yaml(relative: &str) -> Value {
    let path = repo_root().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

fn load_toml(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.parse().unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", path.display()))
}

/// `projects` → `Projects`, `user-admin` / `user_admin` → `UserAdmin`.
fn pascal(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The SAM logical id of a function folder: `projects` → `ProjectsFunction`.
fn logical_id(function: &str) -> String {
    format!("{}Function", pascal(function))
}

fn is_public(route: &Route) -> bool {
    route.access == Access::Public
}

fn fail_on(problems: Vec<String>, what: &str) {
    assert!(problems.is_empty(), "{what} disagrees with platform::routes::ROUTES:\n  - {}", problems.join("\n  - "));
}

/// A plain string, or the target of a `!Ref` / `{Ref: …}`.
fn ref_target(v: &Value) -> Option<String> {
    match v {
        Value::Tagged(t) if t.tag == "Ref" => t.value.as_str().map(str::to_owned),
        Value::Mapping(m) => m.get("Ref").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, key| v.get(*key))
}

fn get_str<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    get(v, path).and_then(Value::as_str)
}

/// The function folders: every directory under `functions/` with a `Cargo.toml`.
fn function_folders() -> BTreeSet<String> {
    let dir = repo_root().join("functions");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// The binary a function package builds: its single `[[bin]]`, else the package name.
fn binary_of(folder: &str) -> Result<String, String> {
    let manifest = load_toml(&repo_root().join("functions").join(folder).join("Cargo.toml"));
    let package = manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| format!("functions/{folder}/Cargo.toml has no package name"))?;
    if package != folder {
        return Err(format!("functions/{folder} holds package `{package}`; folder and package must say the same"));
    }
    let bins: Vec<&str> = manifest
        .get("bin")
        .and_then(|b| b.as_array())
        .map(|bins| bins.iter().filter_map(|b| b.get("name").and_then(|n| n.as_str())).collect())
        .unwrap_or_default();
    match bins.as_slice() {
        [] => Ok(package.to_owned()),
        [one] => Ok((*one).to_owned()),
        _ => Err(format!("functions/{folder} builds several binaries ({bins:?}); a function has one")),
    }
}

/// The workspace members named in the root `Cargo.toml`.
fn workspace_members() -> BTreeSet<String> {
    let root = load_toml(&repo_root().join("Cargo.toml"));
    root.get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .map(|m| m.iter().filter_map(|v| v.as_str()).map(|s| s.trim_end_matches('/').to_owned()).collect())
        .unwrap_or_default()
}

/// Lexically normalise `infra/<code_uri>` to a path relative to the repository root.
fn resolve_from_infra(code_uri: &str) -> String {
    let mut parts: Vec<&str> = vec!["infra"];
    for seg in code_uri.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// One HttpApi event of the template, as API Gateway will see it.
#[derive(Debug)]
struct TemplateRoute {
    function: String,
    event: String,
    /// The effective authorizer: the event's own, else the API's default; `None` or `NONE`
    /// means the route is public.
    authorizer: Option<String>,
}

struct Template {
    root: Value,
}

impl Template {
    fn load() -> Self {
        Template { root: load_yaml("infra/template.yaml") }
    }

    fn resources(&self) -> BTreeMap<String, &Value> {
        get(&self.root, &["Resources"])
            .and_then(Value::as_mapping)
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v))).collect())
            .unwrap_or_default()
    }

    fn functions(&self) -> BTreeMap<String, &Value> {
        self.resources()
            .into_iter()
            .filter(|(_, r)| get_str(r, &["Type"]) == Some("AWS::Serverless::Function"))
            .collect()
    }

    /// A function property, falling back to `Globals.Function`.
    fn function_property<'a>(&'a self, function: &'a Value, name: &str) -> Option<&'a Value> {
        get(function, &["Properties", name]).or_else(|| get(&self.root, &["Globals", "Function", name]))
    }

    /// Every HttpApi event, keyed by route key; problems with the events themselves go to
    /// `problems`.
    fn routes(&self, problems: &mut Vec<String>) -> BTreeMap<String, TemplateRoute> {
        let resources = self.resources();
        let mut out: BTreeMap<String, TemplateRoute> = BTreeMap::new();
        for (function, resource) in self.functions() {
            let Some(events) = get(resource, &["Properties", "Events"]).and_then(Value::as_mapping) else { continue };
            for (event_name, event) in events {
                let event_name = event_name.as_str().unwrap_or("?").to_owned();
                let here = format!("{function}.Events.{event_name}");
                match get_str(event, &["Type"]) {
                    Some("HttpApi") => {}
                    Some("Api") => {
                        problems.push(format!("{here} is a REST `Api` event; every route belongs on the HttpApi"));
                        continue;
                    }
                    _ => continue,
                }
                let (Some(method), Some(path)) = (get_str(event, &["Properties", "Method"]), get_str(event, &["Properties", "Path"])) else {
                    problems.push(format!("{here} needs both Method and Path"));
                    continue;
                };
                let api_default = match get(event, &["Properties", "ApiId"]).and_then(ref_target) {
                    Some(api) => match resources.get(&api) {
                        Some(r) if get_str(r, &["Type"]) == Some("AWS::Serverless::HttpApi") => {
                            get_str(r, &["Properties", "Auth", "DefaultAuthorizer"]).map(str::to_owned)
                        }
                        _ => {
                            problems.push(format!("{here}: ApiId `{api}` is not an AWS::Serverless::HttpApi of this template"));
                            None
                        }
                    },
                    None => {
                        problems.push(format!("{here} must name the API with `ApiId: !Ref …`"));
                        None
                    }
                };
                let authorizer = get_str(event, &["Properties", "Auth", "Authorizer"]).map(str::to_owned).or(api_default);
                let key = format!("{} {}", method.to_ascii_uppercase(), path);
                let route = TemplateRoute { function: function.clone(), event: event_name, authorizer };
                if let Some(first) = out.get(&key) {
                    problems.push(format!("`{key}` is declared twice: {}.{} and {here}", first.function, first.event));
                } else {
                    out.insert(key, route);
                }
            }
        }
        out
    }

    /// Whether `name` is a JWT authorizer (issuer and audience) on some HttpApi.
    fn iam_authorizer_enabled(&self) -> bool {
        self.resources().values().any(|r| {
            get_str(r, &["Type"]) == Some("AWS::Serverless::HttpApi")
                && get(r, &["Properties", "Auth", "EnableIamAuthorizer"])
                    == Some(&Value::Bool(true))
        })
    }

    fn is_jwt_authorizer(&self, name: &str) -> bool {
        self.resources().values().any(|r| {
            get_str(r, &["Type"]) == Some("AWS::Serverless::HttpApi")
                && get(r, &["Properties", "Auth", "Authorizers", name, "JwtConfiguration", "issuer"]).is_some()
                && get(r, &["Properties", "Auth", "Authorizers", name, "JwtConfiguration", "audience"]).is_some()
        })
    }
}

#[test]
fn the_template_declares_exactly_the_route_table() {
    let template = Template::load();
    let mut problems = Vec::new();
    let declared = template.routes(&mut problems);

    for route in ROUTES {
        let key = route.key();
        let Some(found) = declared.get(&key) else {
            problems.push(format!("`{key}` has no HttpApi event (expected on {})", logical_id(route.function)));
            continue;
        };
        if found.function != logical_id(route.function) {
            problems.push(format!(
                "`{key}` is served by {} in the template but by `{}` ({}) in ROUTES",
                found.function,
                route.function,
                logical_id(route.function)
            ));
        }
        let authorizer = found.authorizer.as_deref().filter(|a| *a != "NONE");
        // The operator plane: IAM-signed requests on every /ops route, and on no other.
        if (authorizer == Some("AWS_IAM")) != (route.access == Access::Operator) {
            problems.push(format!(
                "`{key}`: AWS_IAM must authorize exactly the operator routes (access {:?}, authorizer {authorizer:?})",
                route.access
            ));
            continue;
        }
        if route.access == Access::Operator {
            if !template.iam_authorizer_enabled() {
                problems.push(
                    "the HttpApi must set Auth.EnableIamAuthorizer for the /ops routes".into(),
                );
            }
            continue;
        }
        match (is_public(route), authorizer) {
            (true, Some(a)) => problems.push(format!("`{key}` is public in ROUTES but has the authorizer `{a}` in the template")),
            (false, None) => problems.push(format!("`{key}` requires a permission but has no authorizer in the template")),
            (false, Some(a)) if !template.is_jwt_authorizer(a) => {
                problems.push(format!("`{key}` uses `{a}`, which is not a JWT authorizer (issuer + audience) of the HttpApi"))
            }
            _ => {}
        }
    }
    for (key, found) in &declared {
        if ROUTES.iter().all(|r| &r.key() != key) {
            problems.push(format!("`{key}` ({}.{}) is not in ROUTES", found.function, found.event));
        }
    }
    fail_on(problems, "infra/template.yaml");
}

#[test]
fn every_function_folder_has_its_sam_function_built_from_its_own_package() {
    let template = Template::load();
    let functions = template.functions();
    let folders = function_folders();
    let members = workspace_members();
    let mut problems = Vec::new();

    for route in ROUTES {
        if !folders.contains(route.function) {
            problems.push(format!("`{}` is served by `{}`, but functions/{} does not exist", route.key(), route.function, route.function));
        }
    }
    let expected: BTreeMap<String, &String> = folders.iter().map(|f| (logical_id(f), f)).collect();
    for (id, folder) in &expected {
        if !functions.contains_key(id) {
            problems.push(format!("functions/{folder} has no `{id}` (AWS::Serverless::Function) in the template"));
        }
    }
    for (id, function) in &functions {
        let Some(folder) = expected.get(id) else {
            problems.push(format!("{id} matches no folder under functions/ (expected functions/<name> with {id} = Pascal(<name>)Function)"));
            continue;
        };
        let binary = match binary_of(folder) {
            Ok(b) => b,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        if !members.contains(&format!("functions/{folder}")) {
            problems.push(format!("functions/{folder} is not a member of the workspace"));
        }
        if get_str(function, &["Metadata", "BuildMethod"]) != Some("rust-cargolambda") {
            problems.push(format!("{id} must have `Metadata: BuildMethod: rust-cargolambda`"));
        }
        let declared_binary = get_str(function, &["Metadata", "BuildProperties", "Binary"]);
        match template.function_property(function, "CodeUri").and_then(Value::as_str).map(resolve_from_infra) {
            None => problems.push(format!("{id} has no CodeUri")),
            // The workspace root: cargo lambda builds the named binary of the workspace.
            Some(dir) if dir.is_empty() => {
                if declared_binary != Some(binary.as_str()) {
                    problems.push(format!(
                        "{id}: CodeUri is the workspace root, so BuildProperties.Binary must be `{binary}` (found {declared_binary:?})"
                    ));
                }
            }
            Some(dir) if dir == format!("functions/{folder}") => {
                if declared_binary.is_some_and(|b| b != binary) {
                    problems.push(format!("{id}: BuildProperties.Binary {declared_binary:?} is not functions/{folder}'s binary `{binary}`"));
                }
            }
            Some(dir) => problems.push(format!("{id}: CodeUri resolves to `{dir}`, not the workspace root or functions/{folder}")),
        }
        let expect = |name: &str, want: &str, problems: &mut Vec<String>| {
            let got = template.function_property(function, name);
            let ok = match got {
                Some(Value::Sequence(items)) => items.len() == 1 && items[0].as_str() == Some(want),
                Some(v) => v.as_str() == Some(want),
                None => false,
            };
            if !ok {
                problems.push(format!("{id}: {name} must be `{want}` (found {got:?})"));
            }
        };
        expect("Runtime", "provided.al2023", &mut problems);
        expect("Handler", "bootstrap", &mut problems);
        expect("Architectures", "arm64", &mut problems);
    }
    fail_on(problems, "functions/ and infra/template.yaml");
}

struct OpenApi {
    root: Value,
}

/// One operation of the OpenAPI document.
struct Operation<'a> {
    path_item: &'a Value,
    op: &'a Value,
}

impl OpenApi {
    fn load() -> Self {
        OpenApi { root: load_yaml("infra/openapi.yaml") }
    }

    fn operations(&self) -> BTreeMap<String, Operation<'_>> {
        let mut out = BTreeMap::new();
        let Some(paths) = get(&self.root, &["paths"]).and_then(Value::as_mapping) else { return out };
        for (path, item) in paths {
            let Some(path) = path.as_str() else { continue };
            for method in HTTP_METHODS {
                if let Some(op) = item.get(method) {
                    out.insert(format!("{} {path}", method.to_ascii_uppercase()), Operation { path_item: item, op });
                }
            }
        }
        out
    }

    /// Follow a local `$ref` (`#/components/...`).
    fn deref<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/")) {
            Some(pointer) => {
                let path: Vec<&str> = pointer.split('/').collect();
                get(&self.root, &path).unwrap_or(v)
            }
            None => v,
        }
    }

    /// The parameters of an operation, path-level ones included, with `$ref`s followed.
    fn parameters<'a>(&'a self, op: &Operation<'a>) -> Vec<&'a Value> {
        [op.path_item.get("parameters"), op.op.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_sequence)
            .flatten()
            .map(|p| self.deref(p))
            .collect()
    }

    fn sigv4_schemes(&self) -> BTreeSet<String> {
        get(&self.root, &["components", "securitySchemes"])
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .filter(|(_, s)| {
                        get_str(s, &["x-amazon-apigateway-authtype"]) == Some("awsSigv4")
                    })
                    .filter_map(|(k, _)| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn bearer_schemes(&self) -> BTreeSet<String> {
        get(&self.root, &["components", "securitySchemes"])
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .filter(|(_, s)| get_str(s, &["type"]) == Some("http") && get_str(s, &["scheme"]) == Some("bearer"))
                    .filter_map(|(k, _)| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[test]
fn the_openapi_document_declares_exactly_the_route_table() {
    let doc = OpenApi::load();
    let operations = doc.operations();
    let bearer = doc.bearer_schemes();
    let mut problems = Vec::new();

    if !get_str(&doc.root, &["openapi"]).is_some_and(|v| v.starts_with("3.1")) {
        problems.push("the document must be OpenAPI 3.1".into());
    }
    for route in ROUTES {
        let key = route.key();
        let Some(op) = operations.get(&key) else {
            problems.push(format!("`{key}` has no operation"));
            continue;
        };
        if get_str(op.op, &["x-kyocho-function"]) != Some(route.function) {
            problems.push(format!("`{key}`: x-kyocho-function must be `{}`", route.function));
        }
        // An operation's own `security` replaces the document's.
        let security = op.op.get("security").or_else(|| doc.root.get("security"));
        let requirements: Vec<&Value> = security.and_then(Value::as_sequence).map(|s| s.iter().collect()).unwrap_or_default();
        let anonymous = requirements.is_empty() || requirements.iter().any(|r| r.as_mapping().is_some_and(|m| m.is_empty()));
        match route.access {
            Access::Operator => {
                let sigv4 = doc.sigv4_schemes();
                let schemes: Vec<&str> = requirements
                    .iter()
                    .flat_map(|r| r.as_mapping().into_iter().flat_map(|m| m.keys()))
                    .filter_map(Value::as_str)
                    .collect();
                if anonymous || schemes.is_empty() || !schemes.iter().all(|s| sigv4.contains(*s)) {
                    problems.push(format!("`{key}` is an operator route: its security must be SigV4 schemes only, got {schemes:?}"));
                }
                if op.op.get("x-kyocho-permission").is_some() {
                    problems.push(format!(
                        "`{key}` is an operator route but names a tenant permission"
                    ));
                }
            }
            Access::Public => {
                if !anonymous {
                    problems.push(format!("`{key}` is public in ROUTES but needs a token in the document (give it `security: []`)"));
                }
                if op.op.get("x-kyocho-permission").is_some() {
                    problems.push(format!("`{key}` is public but names a permission"));
                }
            }
            Access::Authenticated => {
                if anonymous {
                    problems.push(format!("`{key}` needs a signed-in user in ROUTES but the document lets it be called without a token"));
                }
                if op.op.get("x-kyocho-permission").is_some() {
                    problems.push(format!("`{key}` needs only a signed-in user but names a permission"));
                }
            }
            Access::Requires(permission) => {
                if anonymous {
                    problems.push(format!("`{key}` requires {} in ROUTES but the document lets it be called without a token", permission.as_str()));
                }
                for req in &requirements {
                    for scheme in req.as_mapping().into_iter().flat_map(|m| m.keys()).filter_map(Value::as_str) {
                        if !bearer.contains(scheme) {
                            problems.push(format!("`{key}`: security scheme `{scheme}` is not an http bearer scheme"));
                        }
                    }
                }
                if get_str(op.op, &["x-kyocho-permission"]) != Some(permission.as_str()) {
                    problems.push(format!("`{key}`: x-kyocho-permission must be `{}`", permission.as_str()));
                }
            }
        }
        let params = doc.parameters(op);
        for name in route.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            let declared = params.iter().any(|p| {
                get_str(p, &["in"]) == Some("path") && get_str(p, &["name"]) == Some(name) && p.get("required") == Some(&Value::Bool(true))
            });
            if !declared {
                problems.push(format!("`{key}`: path parameter `{name}` is not declared (in: path, required: true)"));
            }
        }
    }
    for key in operations.keys() {
        if ROUTES.iter().all(|r| &r.key() != key) {
            problems.push(format!("`{key}` is not in ROUTES"));
        }
    }
    fail_on(problems, "infra/openapi.yaml");
}

#[test]
fn the_local_gateway_has_a_handler_for_every_route() {
    let missing: Vec<String> = ROUTES
        .iter()
        .filter(|r| kyocho::gateway::handler_for(r.function).is_none())
        .map(|r| format!("`{}` → `{}` has no handler in kyocho::gateway::handler_for", r.key(), r.function))
        .collect();
    fail_on(missing, "the local gateway");
}

#[test]
fn names_map_to_logical_ids_as_the_template_spells_them() {
    assert_eq!(logical_id("projects"), "ProjectsFunction");
    assert_eq!(logical_id("health"), "HealthFunction");
    assert_eq!(logical_id("user-admin"), "UserAdminFunction");
    assert_eq!(logical_id("audit_log"), "AuditLogFunction");
    assert_eq!(resolve_from_infra(".."), "");
    assert_eq!(resolve_from_infra("../functions/projects/"), "functions/projects");
}
