package dev.atoll.control.cloud;

import dev.atoll.control.auth.AuthRecords;
import dev.atoll.control.auth.AuthUnavailableException;
import dev.atoll.control.auth.TokenRecord;
import dev.atoll.control.image.SiteImages;
import dev.atoll.control.site.SiteController;
import dev.atoll.image.ImageImportException;
import dev.atoll.image.ImageRecord;
import dev.atoll.model.Resources;
import dev.atoll.model.auth.AuditEntry;
import dev.atoll.model.image.ImageRef;
import dev.atoll.model.image.TenantImageNames;
import dev.atoll.model.instance.InstanceView;
import dev.atoll.model.spec.EnvironmentSpec;
import dev.atoll.model.spec.FieldError;
import dev.atoll.model.spec.ServiceSpec;
import dev.atoll.model.view.CloudEvent;
import dev.atoll.model.view.DeployOutcome;
import dev.atoll.model.view.EnvironmentView;
import dev.atoll.model.view.ImageView;
import dev.atoll.model.view.ImportOutcome;
import dev.atoll.model.view.NodeView;
import dev.atoll.model.view.SiteView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The cloud as a user sees it from one site (the entry): reads ask every reachable site for its
 * {@link SiteShare#part() share} at once and merge the answers; changes go to the environment's
 * home; new environments are homed at the entry site.
 *
 * <p>A site that does not answer within the read timeout is left out of that answer and listed by
 * {@link #sites()} as unreachable (with what it last said of itself), so one slow or dead site
 * never fails a read. Environments homed there are not shown until it answers again.
 */
public final class FederatedCloud implements CloudApi {
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);
    static final int LOG_CHUNK_BYTES = 1 << 20;

    private final SiteShare entry;
    private final Supplier<List<SiteShare>> shares;
    private final Supplier<List<SiteView>> unreachableSites;
    private final EventLog events;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    /** What each site last said of itself, to show it while it does not answer. */
    private final Map<String, SiteView> lastSeen = new ConcurrentHashMap<>();
    /** Every network member of the cloud, as the entry site last heard it; none until given. */
    private volatile java.util.function.Supplier<List<dev.atoll.model.network.NetworkMember>> networkMembers = List::of;

    /** Lets this cloud list tenant networks from what the entry site knows of every member. */
    public FederatedCloud withNetworkMembers(
            java.util.function.Supplier<List<dev.atoll.model.network.NetworkMember>> members) {
        this.networkMembers = members;
        return this;
    }

    @Override
    public List<dev.atoll.model.view.NetworkView> networks(String tenant) {
        return dev.atoll.control.network.NetworkViews.of(tenant, networkMembers.get());
    }

    /** The entry site's images, when it keeps any. */
    private volatile SiteImages images;

    /**
     * @param entry this site: new environments are homed here, and it is always asked
     * @param shares every site reachable now, the entry included or not
     * @param unreachableSites sites known (e.g. from gossip) but not reachable now, listed by
     *     {@link #sites()} with health "unreachable"; their own health field is ignored
     * @param events the events of this process
     */
    public FederatedCloud(
            SiteShare entry,
            Supplier<List<SiteShare>> shares,
            Supplier<List<SiteView>> unreachableSites,
            EventLog events) {
        this(entry, shares, unreachableSites, events, READ_TIMEOUT, WRITE_TIMEOUT);
    }

    public FederatedCloud(
            SiteShare entry,
            Supplier<List<SiteShare>> shares,
            Supplier<List<SiteView>> unreachableSites,
            EventLog events,
            Duration readTimeout,
            Duration writeTimeout) {
        this.entry = entry;
        this.shares = shares;
        this.unreachableSites = unreachableSites;
        this.events = events;
        this.readTimeout = readTimeout;
        this.writeTimeout = writeTimeout;
    }

    /**
     * Every site in this process (`atoll dev`), seen from {@code entrySite}: a site in
     * {@code deadSites} is not asked, as if it could not be reached, and is listed unreachable.
     */
    public static FederatedCloud inProcess(
            List<SiteController> sites,
            String entrySite,
            EventLog events,
            Clock clock,
            Supplier<Set<String>> deadSites) {
        Map<String, LocalSiteShare> byName = new LinkedHashMap<>();
        sites.forEach(s -> byName.put(s.site().name(), new LocalSiteShare(s, clock)));
        LocalSiteShare entry = byName.get(entrySite);
        if (entry == null) throw new IllegalArgumentException("unknown entry site " + entrySite);
        return new FederatedCloud(
                        entry,
                        () -> {
                            Set<String> dead = deadSites.get();
                            return byName.values().stream()
                                    .filter(s -> !dead.contains(s.site()))
                                    .map(SiteShare.class::cast)
                                    .toList();
                        },
                        () -> {
                            Set<String> dead = deadSites.get();
                            return byName.values().stream()
                                    .filter(s -> dead.contains(s.site()))
                                    .map(LocalSiteShare::siteView)
                                    .toList();
                        },
                        events)
                .withClock(clock)
                .withNetworkMembers(sites.stream()
                        .filter(s -> s.site().name().equals(entrySite))
                        .findFirst()
                        .orElseThrow()
                        .networkDirectory()::members);
    }

    /**
     * Lets this cloud list and import images at its entry site, and pin the images services name
     * to their digests when they are deployed. Without it, services with images cannot be deployed.
     */
    public FederatedCloud withImages(SiteImages images) {
        this.images = images;
        return this;
    }

    @Override
    public List<ImageView> images(String tenant) {
        SiteImages store = images;
        if (store == null) return List.of();
        return store.everywhere().stream()
                .map(image -> shownTo(tenant, image))
                .filter(image -> !image.names().isEmpty())
                .toList();
    }

    /** The image with only the names {@code tenant} gave it, as it gave them. */
    private static ImageView shownTo(String tenant, ImageView image) {
        List<String> names = image.names().stream()
                .flatMap(n -> TenantImageNames.shownTo(tenant, n).stream())
                .toList();
        return new ImageView(names, image.digest(), image.size(), image.imported(), image.sites());
    }

    @Override
    public ImportOutcome importImage(String tenant, Path archive, Optional<String> name) {
        SiteImages store = images;
        if (store == null) return new ImportOutcome.NoStore("site " + entry.site() + " keeps no images");
        try {
            ImageRecord record = store.importArchive(archive, name, n -> switch (TenantImageNames.stored(tenant, n)) {
                case TenantImageNames.Result.Stored s -> s.name();
                case TenantImageNames.Result.Refused r -> throw new ImageImportException("'" + n + "': " + r.reason());
            });
            return new ImportOutcome.Imported(shownTo(
                    tenant,
                    new ImageView(
                            record.names(),
                            record.manifestDigest(),
                            record.size(),
                            record.imported(),
                            List.of(entry.site()))));
        } catch (ImageImportException e) {
            return new ImportOutcome.Invalid(e.getMessage());
        }
    }

    /**
     * The spec with every image pinned to the digest it names now, so that every replica, wherever
     * placed and however late, runs the same bytes; or the errors naming images no site knows.
     */
    private Pinned pinImages(EnvironmentSpec spec) {
        var errors = new ArrayList<FieldError>();
        var services = new LinkedHashMap<String, ServiceSpec>();
        SiteImages store = images;
        for (var service : spec.services().values()) {
            if (service.image().isEmpty()) {
                services.put(service.name(), service);
                continue;
            }
            String field = "spec.services." + service.name() + ".image";
            ImageRef ref = ImageRef.of(service.image().get());
            // The tenant's own name for it: another tenant's image of the same name is not this one.
            // The spec keeps the name as the user gave it; nodes run images by digest.
            Optional<String> pinned = store == null
                    ? Optional.empty()
                    : TenantImageNames.stored(spec.tenant(), ref)
                            .flatMap(store::pin)
                            .flatMap(p -> ImageRef.of(p).digest())
                            .map(digest -> ref.pinned(digest).toString());
            if (pinned.isEmpty()) {
                errors.add(new FieldError(
                        field,
                        store == null
                                ? "site " + entry.site() + " keeps no images, so it cannot run " + ref
                                : "image " + ref + " is held by no reachable site; import it with atoll image"
                                        + " import, see atoll get images"));
                services.put(service.name(), service);
            } else {
                services.put(service.name(), service.withImage(pinned.get()));
            }
        }
        return new Pinned(new EnvironmentSpec(spec.name(), spec.tenant(), services, spec.networks()), errors);
    }

    private record Pinned(EnvironmentSpec spec, List<FieldError> errors) {}

    // --- reading the shares ------------------------------------------------------------------

    private record Answer(SiteShare share, SitePart part) {}

    /** The parts of the sites that answered in time, the entry's first, and the sites that did not. */
    private record Gathered(List<Answer> answers, List<String> silent) {
        Optional<Answer> homeOf(String tenant, String name) {
            for (Answer a : answers) {
                for (HomedEnvironment h : a.part().environments()) {
                    var e = h.environment();
                    if (e.tenant().equals(tenant) && e.name().equals(name)) return Optional.of(a);
                }
            }
            return Optional.empty();
        }

        Optional<EnvironmentView> environment(String tenant, String name) {
            return homeOf(tenant, name).flatMap(a -> find(a.part(), tenant, name));
        }

        Optional<SiteShare> share(String site) {
            return answers.stream()
                    .map(Answer::share)
                    .filter(s -> s.site().equals(site))
                    .findFirst();
        }
    }

    private List<SiteShare> allShares() {
        List<SiteShare> all = new ArrayList<>();
        all.add(entry);
        for (SiteShare s : shares.get()) {
            if (!s.site().equals(entry.site())) all.add(s);
        }
        return all;
    }

    /** Asks every share at once; the entry's answer is awaited for {@code entryTimeout}. */
    private Gathered gather(Duration entryTimeout) {
        List<SiteShare> all = allShares();
        List<CompletableFuture<SitePart>> futures = new ArrayList<>();
        for (SiteShare s : all) {
            Duration timeout = s == entry ? entryTimeout : readTimeout;
            futures.add(safely(s::part).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        List<Answer> answers = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            try {
                SitePart part = futures.get(i).join();
                answers.add(new Answer(all.get(i), part));
                lastSeen.put(all.get(i).site(), part.site());
            } catch (RuntimeException e) {
                silent.add(all.get(i).site());
            }
        }
        return new Gathered(withoutSupersededHomes(answers), silent);
    }

    /**
     * Drops an environment from every answer but its current home's: the highest home epoch, and
     * on a tie the site that answered first (the entry's answer comes first).
     */
    private static List<Answer> withoutSupersededHomes(List<Answer> answers) {
        Map<String, Long> best = new HashMap<>();
        Map<String, String> bestSite = new HashMap<>();
        for (Answer a : answers) {
            for (HomedEnvironment h : a.part().environments()) {
                String key = h.environment().tenant() + "/" + h.environment().name();
                if (!best.containsKey(key) || h.homeEpoch() > best.get(key)) {
                    best.put(key, h.homeEpoch());
                    bestSite.put(key, a.share().site());
                }
            }
        }
        List<Answer> result = new ArrayList<>();
        for (Answer a : answers) {
            List<HomedEnvironment> kept = a.part().environments().stream()
                    .filter(h -> a.share()
                            .site()
                            .equals(bestSite.get(h.environment().tenant() + "/"
                                    + h.environment().name())))
                    .toList();
            result.add(
                    kept.size() == a.part().environments().size()
                            ? a
                            : new Answer(
                                    a.share(),
                                    new SitePart(a.part().site(), a.part().nodes(), kept)));
        }
        return result;
    }

    private Gathered gather() {
        return gather(readTimeout);
    }

    /** The copy keeps a timeout here from completing the share's own future. */
    private static <T> CompletableFuture<T> safely(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get().copy();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Optional<EnvironmentView> find(SitePart part, String tenant, String name) {
        return part.environments().stream()
                .map(HomedEnvironment::environment)
                .filter(e -> e.tenant().equals(tenant) && e.name().equals(name))
                .findFirst();
    }

    // --- reads -------------------------------------------------------------------------------

    @Override
    public List<SiteView> sites() {
        Gathered gathered = gather();
        Map<String, SiteView> views = new LinkedHashMap<>();
        gathered.answers()
                .forEach(a -> views.put(a.part().site().name(), a.part().site()));
        for (String site : gathered.silent()) {
            views.putIfAbsent(site, unreachable(lastSeen.getOrDefault(site, unknown(site))));
        }
        for (SiteView known : unreachableSites.get()) {
            views.putIfAbsent(known.name(), unreachable(known));
        }
        return views.values().stream()
                .sorted(Comparator.comparing(SiteView::name))
                .toList();
    }

    private static SiteView unreachable(SiteView v) {
        return new SiteView(
                v.name(),
                v.country(),
                v.jurisdiction(),
                v.lat(),
                v.lon(),
                v.tags(),
                "unreachable",
                v.leader(),
                v.controllers(),
                v.nodes(),
                v.instances(),
                v.capacity(),
                v.allocated());
    }

    private static SiteView unknown(String site) {
        return new SiteView(
                site, "", "", 0, 0, Set.of(), "unreachable", "", List.of(), 0, 0, Resources.ZERO, Resources.ZERO);
    }

    @Override
    public List<NodeView> nodes() {
        return gather().answers().stream()
                .flatMap(a -> a.part().nodes().stream())
                .sorted(Comparator.comparing(NodeView::site).thenComparing(NodeView::name))
                .toList();
    }

    @Override
    public List<EnvironmentView> environments(String tenant) {
        return gather().answers().stream()
                .flatMap(a -> a.part().environments().stream())
                .map(HomedEnvironment::environment)
                .filter(e -> e.tenant().equals(tenant))
                .sorted(Comparator.comparing(EnvironmentView::name))
                .toList();
    }

    @Override
    public Optional<EnvironmentView> environment(String tenant, String name) {
        return gather().environment(tenant, name);
    }

    @Override
    public List<InstanceView> instances(String tenant, String environment, String site) {
        return gather().answers().stream()
                .flatMap(a -> a.part().environments().stream())
                .filter(h -> h.environment().tenant().equals(tenant))
                .filter(h -> isAny(environment) || h.environment().name().equals(environment))
                .flatMap(h -> h.instances().stream())
                .filter(i -> isAny(site) || site.equals(i.site()))
                .sorted(LocalSiteShare.INSTANCE_ORDER)
                .toList();
    }

    private static boolean isAny(String filter) {
        return filter == null || filter.isEmpty();
    }

    // --- changes -----------------------------------------------------------------------------

    @Override
    public DeployOutcome create(EnvironmentSpec spec) {
        // Without the entry's own answer a create could silently update what it already homes.
        Gathered gathered = gather(writeTimeout);
        if (gathered.silent().contains(entry.site())) {
            throw new IllegalStateException("site " + entry.site() + " could not read its own state");
        }
        if (gathered.homeOf(spec.tenant(), spec.name()).isPresent()) {
            return new DeployOutcome.Conflict(
                    "environment " + spec.name() + " already exists; use PUT (or atoll deploy) to update it");
        }
        Pinned pinned = pinImages(spec);
        if (!pinned.errors().isEmpty()) return new DeployOutcome.Rejected(pinned.errors());
        return put(entry, pinned.spec());
    }

    @Override
    public DeployOutcome update(EnvironmentSpec spec) {
        Gathered gathered = gather();
        var home = gathered.homeOf(spec.tenant(), spec.name());
        if (home.isEmpty()) return notFound(spec.name());
        Pinned pinned = pinImages(spec);
        if (!pinned.errors().isEmpty()) return new DeployOutcome.Rejected(pinned.errors());
        return update(home.get(), pinned.spec());
    }

    private DeployOutcome update(Answer home, EnvironmentSpec spec) {
        EnvironmentView current = find(home.part(), spec.tenant(), spec.name()).orElseThrow();
        if (current.status().equals("deleting")) {
            return new DeployOutcome.Conflict(
                    "environment " + spec.name() + " is being deleted; try again when it is gone");
        }
        return put(home.share(), spec);
    }

    private DeployOutcome put(SiteShare home, EnvironmentSpec spec) {
        PutResult result;
        try {
            result = await(home.put(spec), "the site's log did not commit the change");
        } catch (IllegalStateException e) {
            Optional<String> noBuddy = noBuddyMessage(e);
            if (noBuddy.isPresent()) return new DeployOutcome.Unavailable(noBuddy.get());
            throw e;
        }
        EnvironmentView view = find(
                        await(home.part(), "site " + home.site() + " did not show the change"),
                        spec.tenant(),
                        spec.name())
                .orElseThrow(() -> new IllegalStateException(
                        "site " + home.site() + " committed " + spec.name() + " but does not show it"));
        return switch (result.outcome()) {
            case CREATED -> new DeployOutcome.Created(view);
            case UPDATED -> new DeployOutcome.Updated(view, result.changedServices());
            case UNCHANGED -> new DeployOutcome.Unchanged(view);
        };
    }

    @Override
    public DeployOutcome scale(String tenant, String environment, String service, int replicas) {
        Gathered gathered = gather();
        var home = gathered.homeOf(tenant, environment);
        if (home.isEmpty()) return notFound(environment);
        EnvironmentSpec spec =
                find(home.get().part(), tenant, environment).orElseThrow().spec();
        if (!spec.services().containsKey(service)) {
            return new DeployOutcome.NotFound("environment " + environment + " has no service " + service
                    + " (services: " + String.join(", ", spec.services().keySet()) + ")");
        }
        if (replicas < 0 || replicas > 1000) {
            return new DeployOutcome.Rejected(List.of(new FieldError("replicas", "must be between 0 and 1000")));
        }
        return update(home.get(), spec.withReplicas(service, replicas));
    }

    @Override
    public dev.atoll.model.view.MoveOutcome move(String tenant, String environment, String instance, String to) {
        String prefix = environment + ".";
        String local = instance.startsWith(prefix) ? instance.substring(prefix.length()) : instance;
        int dot = local.lastIndexOf('.');
        int index = -1;
        if (dot > 0) {
            try {
                index = Integer.parseInt(local.substring(dot + 1));
            } catch (NumberFormatException e) {
                index = -1;
            }
        }
        if (index < 0) {
            return new dev.atoll.model.view.MoveOutcome.Rejected(List.of(new FieldError(
                    "instance", "must be SERVICE.INDEX (e.g. web.0) or " + environment + ".SERVICE.INDEX")));
        }
        String service = local.substring(0, dot);
        if (to == null || to.isBlank()) {
            return new dev.atoll.model.view.MoveOutcome.Rejected(
                    List.of(new FieldError("to", "is required: SITE or SITE/NODE")));
        }
        String[] parts = to.strip().split("/", -1);
        if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
            return new dev.atoll.model.view.MoveOutcome.Rejected(
                    List.of(new FieldError("to", "must be SITE or SITE/NODE, got \"" + to + "\"")));
        }
        Gathered gathered = gather();
        var home = gathered.homeOf(tenant, environment);
        if (home.isEmpty()) {
            return new dev.atoll.model.view.MoveOutcome.NotFound("environment " + environment + " does not exist");
        }
        EnvironmentSpec spec =
                find(home.get().part(), tenant, environment).orElseThrow().spec();
        var svc = spec.services().get(service);
        if (svc == null || index >= svc.replicas()) {
            return new dev.atoll.model.view.MoveOutcome.NotFound(
                    "environment " + environment + " has no instance " + environment + "." + service + "." + index);
        }
        var id = new dev.atoll.model.instance.InstanceId(tenant, environment, service, index);
        try {
            return await(
                    home.get().share().move(id, parts[0], parts.length == 2 ? parts[1] : null, "asked by a user"),
                    "the home site " + home.get().share().site() + " did not record the move");
        } catch (IllegalStateException e) {
            return new dev.atoll.model.view.MoveOutcome.Unavailable(e.getMessage());
        }
    }

    @Override
    public dev.atoll.model.view.MoveOutcome drain(String site, String node, boolean draining) {
        var share = gather().answers().stream()
                .map(Answer::share)
                .filter(s -> s.site().equals(site))
                .findFirst();
        if (share.isEmpty()) {
            return new dev.atoll.model.view.MoveOutcome.NotFound("no site " + site + " answers now");
        }
        try {
            return await(share.get().drain(node, draining), "site " + site + " did not record the drain");
        } catch (IllegalStateException e) {
            return new dev.atoll.model.view.MoveOutcome.Unavailable(e.getMessage());
        }
    }

    @Override
    public List<dev.atoll.model.view.PlanView> plans(String tenant, boolean cloudAdmin, String site, int nearestSites) {
        List<CompletableFuture<Optional<dev.atoll.model.view.PlanView>>> asked = new ArrayList<>();
        for (Answer a : gather().answers()) {
            if (site != null && !a.share().site().equals(site)) continue;
            asked.add(safely(() -> a.share().plan(nearestSites)));
        }
        List<dev.atoll.model.view.PlanView> plans = new ArrayList<>();
        for (var f : asked) {
            Optional<dev.atoll.model.view.PlanView> plan;
            try {
                plan = f.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                continue; // a site that does not answer in time is left out, as in every fan-out read
            }
            plan.map(p -> cloudAdmin ? p : p.forTenant(tenant)).ifPresent(plans::add);
        }
        plans.sort(java.util.Comparator.comparing(dev.atoll.model.view.PlanView::site));
        return plans;
    }

    @Override
    public Optional<dev.atoll.model.view.PlanView> applyPlan(String site) {
        var share = gather().answers().stream()
                .map(Answer::share)
                .filter(s -> s.site().equals(site))
                .findFirst();
        if (share.isEmpty()) return Optional.empty();
        return await(share.get().applyPlan(), "site " + site + " did not start its plan");
    }

    @Override
    public DeployOutcome delete(String tenant, String environment) {
        Gathered gathered = gather();
        var home = gathered.homeOf(tenant, environment);
        if (home.isEmpty()) return notFound(environment);
        EnvironmentView before = find(home.get().part(), tenant, environment).orElseThrow();
        SiteShare share = home.get().share();
        await(share.delete(tenant, environment), "the site's log did not commit the change");
        // An environment with nothing to stop may be forgotten before we look again.
        EnvironmentView after = safely(share::part)
                .orTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((part, e) -> e == null ? find(part, tenant, environment) : Optional.<EnvironmentView>empty())
                .join()
                .orElse(before);
        return new DeployOutcome.Updated(after, List.of());
    }

    @Override
    public dev.atoll.model.view.PreviewOutcome preview(EnvironmentSpec spec) {
        Gathered gathered = gather();
        Pinned pinned = pinImages(spec);
        if (!pinned.errors().isEmpty()) return new dev.atoll.model.view.PreviewOutcome.Rejected(pinned.errors());
        boolean exists = gathered.homeOf(spec.tenant(), spec.name()).isPresent();
        // A new environment is homed at the entry; an existing one keeps its running replicas.
        List<InstanceView> running = gathered.homeOf(spec.tenant(), spec.name()).stream()
                .flatMap(a -> a.part().environments().stream())
                .filter(h -> h.environment().tenant().equals(spec.tenant())
                        && h.environment().name().equals(spec.name()))
                .flatMap(h -> h.instances().stream())
                .toList();
        try {
            return new dev.atoll.model.view.PreviewOutcome.Previewed(await(
                    entry.previewPlacement(pinned.spec(), exists, running),
                    "site " + entry.site() + " did not work the placement out"));
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof ExecutionException ee
                    && ee.getCause() instanceof UnsupportedOperationException u) {
                return new dev.atoll.model.view.PreviewOutcome.Unavailable(
                        u.getMessage() + "; ask the site's leader for a preview");
            }
            throw e;
        }
    }

    @Override
    public List<dev.atoll.model.view.SiteLink> links() {
        // Each site tells its own; one that does not answer in time (or predates the call) tells none.
        var asked = allShares().stream()
                .map(s -> safely(s::links)
                        .orTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .exceptionally(e -> List.of()))
                .toList();
        return asked.stream().flatMap(f -> f.join().stream()).toList();
    }

    private static DeployOutcome notFound(String environment) {
        return new DeployOutcome.NotFound("environment " + environment + " does not exist");
    }

    /** A home that committed a change no buddy could copy says so, in process or over the wire. */
    private static Optional<String> noBuddyMessage(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof dev.atoll.control.site.SiteController.NoBuddyException) {
                return Optional.of(cause.getMessage());
            }
            String message = String.valueOf(cause.getMessage());
            int at = message.indexOf("environment ");
            if (message.contains(dev.atoll.control.site.SiteController.NoBuddyException.MARKER) && at >= 0) {
                return Optional.of(message.substring(at));
            }
        }
        return Optional.empty();
    }

    private <T> T await(CompletableFuture<T> future, String failure) {
        try {
            return future.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the site's log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(failure + ": " + e.getMessage(), e);
        }
    }

    // --- logs and events ---------------------------------------------------------------------

    @Override
    public Optional<InputStream> openLog(String tenant, String instanceId, long fromOffset) throws IOException {
        Gathered gathered = gather();
        Optional<SiteShare> runner = gathered.answers().stream()
                .flatMap(a -> a.part().environments().stream())
                .filter(h -> h.environment().tenant().equals(tenant))
                .flatMap(h -> h.instances().stream())
                .filter(i -> i.id().equals(instanceId) && !i.site().isEmpty())
                .findFirst()
                .flatMap(i -> gathered.share(i.site()));
        // A replica whose home does not answer may still run on a site that does.
        List<SiteShare> candidates = runner.map(List::of)
                .orElseGet(() -> gathered.answers().stream().map(Answer::share).toList());
        for (SiteShare share : candidates) {
            Optional<byte[]> first = readLog(share, tenant, instanceId, fromOffset);
            if (first.isPresent()) {
                return Optional.of(new ShareLogStream(share, tenant, instanceId, fromOffset, first.get()));
            }
        }
        return Optional.empty();
    }

    private Optional<byte[]> readLog(SiteShare share, String tenant, String instanceId, long offset)
            throws IOException {
        try {
            return safely(() -> share.readLog(tenant, instanceId, offset, LOG_CHUNK_BYTES))
                    .get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the log of " + instanceId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(
                    "site " + share.site() + " did not send the log of " + instanceId + ": " + e.getMessage(), e);
        }
    }

    /** A log read chunk by chunk from the site that runs the instance, until a chunk comes back empty. */
    private final class ShareLogStream extends InputStream {
        private final SiteShare share;
        private final String tenant;
        private final String instanceId;
        private long offset;
        private byte[] chunk;
        private int position;
        private boolean ended;

        ShareLogStream(SiteShare share, String tenant, String instanceId, long offset, byte[] first) {
            this.share = share;
            this.tenant = tenant;
            this.instanceId = instanceId;
            this.chunk = first;
            this.offset = offset + first.length;
            this.ended = first.length == 0;
        }

        private boolean fill() throws IOException {
            while (position == chunk.length) {
                if (ended) return false;
                Optional<byte[]> next = readLog(share, tenant, instanceId, offset);
                if (next.isEmpty() || next.get().length == 0) {
                    ended = true;
                    return false;
                }
                chunk = next.get();
                position = 0;
                offset += chunk.length;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? chunk[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!fill()) return -1;
            int n = Math.min(len, chunk.length - position);
            System.arraycopy(chunk, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return chunk.length - position;
        }
    }

    @Override
    public List<CloudEvent> recentEvents(int max) {
        return events.recent(max);
    }

    @Override
    public AutoCloseable subscribe(Consumer<CloudEvent> listener) {
        return events.subscribe(listener);
    }

    // --- tenants, tokens and the audit log ---------------------------------------------------

    /**
     * How often the entry compares its tenants and tokens with every other site's at most, so that a
     * change one site missed (it was cut off) reaches it, and a revocation reaches every site.
     */
    static final Duration AUTH_SYNC_EVERY = Duration.ofSeconds(5);
    /** An unknown token asks the other sites; not more often than this, so made-up tokens cost nothing. */
    static final Duration AUTH_MISS_SYNC_EVERY = Duration.ofSeconds(1);

    private volatile Clock clock;
    private volatile Instant lastAuthSync = Instant.MIN;
    private final java.util.concurrent.atomic.AtomicBoolean authSyncRunning =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Lets this cloud compare tenants and tokens with other sites on a schedule (see {@link #AUTH_SYNC_EVERY}). */
    public FederatedCloud withClock(Clock clock) {
        this.clock = clock;
        return this;
    }

    @Override
    public AuthRecords authRecords() {
        Clock now = clock;
        if (now != null
                && Duration.between(lastAuthSync, now.instant()).compareTo(AUTH_SYNC_EVERY) > 0
                && authSyncRunning.compareAndSet(false, true)) {
            // Off the request's path: this request is answered from what the entry knows now.
            Thread.ofVirtual().name("auth-sync").start(() -> {
                try {
                    syncAuth();
                } catch (RuntimeException e) {
                    // Nobody answered: the next request tries again.
                } finally {
                    authSyncRunning.set(false);
                }
            });
        }
        Optional<AuthRecords> here = entryAuth();
        // The entry may be between leaders: then what the other sites know is as good.
        return here.isPresent() ? here.get() : syncAuth();
    }

    /** What the entry site knows, or empty when it does not answer in time. */
    private Optional<AuthRecords> entryAuth() {
        try {
            return Optional.of(safely(entry::auth).get(readTimeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<TokenRecord> token(String id) {
        Optional<AuthRecords> here = entryAuth();
        if (here.isPresent()) {
            Optional<TokenRecord> known = here.get().token(id);
            if (known.isPresent()) return known;
            Clock now = clock;
            if (now != null && Duration.between(lastAuthSync, now.instant()).compareTo(AUTH_MISS_SYNC_EVERY) < 0) {
                return Optional.empty();
            }
        }
        return syncAuth().token(id);
    }

    /**
     * Asks every reachable site for its tenants and tokens, merges them, and sends each site that
     * answered what it lacks. Answers the merged records.
     *
     * @throws AuthUnavailableException when no site answered
     */
    AuthRecords syncAuth() {
        Clock now = clock;
        if (now != null) lastAuthSync = now.instant();
        List<SiteShare> all = allShares();
        List<CompletableFuture<AuthRecords>> asked = new ArrayList<>();
        for (SiteShare s : all) asked.add(safely(s::auth).orTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS));
        AuthRecords union = AuthRecords.empty();
        Map<SiteShare, AuthRecords> answers = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            try {
                AuthRecords records = asked.get(i).join();
                answers.put(all.get(i), records);
                union.merge(records);
            } catch (RuntimeException e) {
                // Not reachable now: it catches up at a later sync.
            }
        }
        if (answers.isEmpty()) {
            throw new AuthUnavailableException("no site could say which tokens exist just now (site " + entry.site()
                    + " and " + (all.size() - 1) + " other(s) did not answer); try again");
        }
        List<CompletableFuture<AuthRecords>> sent = new ArrayList<>();
        answers.forEach((share, records) -> {
            AuthRecords missing = union.missingFrom(records);
            if (!missing.isEmpty()) sent.add(safely(() -> share.mergeAuth(missing)));
        });
        waitQuietly(sent);
        return union;
    }

    @Override
    public void keepJoinToken(dev.atoll.control.join.JoinToken token) {
        String here = entry.site();
        if (token.role() == dev.atoll.wire.tls.PeerRole.AGENT && !here.equals(token.site())) {
            throw new IllegalArgumentException("site: a join token for agents of " + token.site()
                    + " is made at that site's API; this is site " + here);
        }
        Boolean kept = await(entry.issueJoinToken(token), "site " + here + " did not commit the join token");
        if (!Boolean.TRUE.equals(kept)) {
            throw new IllegalArgumentException("for: site " + here + " holds "
                    + dev.atoll.control.join.JoinTokens.MAX_KEPT + " unused join tokens, its most");
        }
    }

    @Override
    public AuthRecords changeAuth(AuthRecords change) {
        AuthRecords changed;
        try {
            changed = await(entry.mergeAuth(change), "site " + entry.site() + " did not commit the change");
        } catch (IllegalStateException e) {
            // Between leaders, say: nothing was changed, and trying again is the remedy.
            throw new AuthUnavailableException(e.getMessage() + "; try again");
        }
        List<CompletableFuture<AuthRecords>> sent = new ArrayList<>();
        for (SiteShare s : allShares()) {
            if (s != entry) sent.add(safely(() -> s.mergeAuth(change)));
        }
        // Every reachable site has it before the caller is answered, so a token made here works at
        // once everywhere; one that does not answer in time gets it at the next sync.
        waitQuietly(sent);
        return changed;
    }

    private void waitQuietly(List<? extends CompletableFuture<?>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // A site that failed or did not answer catches up at the next sync.
        }
    }

    @Override
    public void recordAudit(AuditEntry e) {
        // Stamped with the site that keeps it: the API does not know which one it is in front of.
        var stamped = new AuditEntry(
                e.time(),
                entry.site(),
                e.tenant(),
                e.tokenId(),
                e.tokenName(),
                e.role(),
                e.method(),
                e.route(),
                e.resource(),
                e.status(),
                e.outcome());
        await(entry.recordAudit(stamped), "the site's log did not commit the audit entry");
    }

    @Override
    public List<AuditEntry> audit(String tenant, int max) {
        List<SiteShare> all = allShares();
        List<CompletableFuture<List<AuditEntry>>> asked = new ArrayList<>();
        for (SiteShare s : all) {
            asked.add(safely(() -> s.audit(tenant, max)).orTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        List<AuditEntry> merged = new ArrayList<>();
        for (var answer : asked) {
            try {
                merged.addAll(answer.join());
            } catch (RuntimeException e) {
                // A site that does not answer is left out of this answer, as in every read.
            }
        }
        merged.sort(Comparator.comparing(AuditEntry::time).thenComparing(AuditEntry::site));
        return List.copyOf(merged.subList(Math.max(0, merged.size() - max), merged.size()));
    }
}
