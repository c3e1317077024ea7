/* Producers guide: the results map and "around me". The list works without any of this. */
(function () {
    "use strict";

    // Leaflet's own words (zoom buttons, credit, popups' close button) in the page's language:
    // the template gives them (directory/templatetags/map_tags.py), else Leaflet's English.
    var labels = readJSON("map-labels") || {};

    function localizeControls(map) {
        L.control.zoom({
            zoomInTitle: labels.zoomIn || "Zoom in",
            zoomOutTitle: labels.zoomOut || "Zoom out"
        }).addTo(map);
        if (labels.leafletTitle && map.attributionControl) {
            // Leaflet's credit as Leaflet writes it (link, flag), with its title translated.
            var prefix = document.createElement("span");
            prefix.innerHTML = L.Control.Attribution.prototype.options.prefix;
            var link = prefix.querySelector("a");
            if (link) link.title = labels.leafletTitle;
            map.attributionControl.setPrefix(prefix.innerHTML);
        }
        if (labels.closePopup) {
            map.on("popupopen", function (event) {
                var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
                if (close) close.setAttribute("aria-label", labels.closePopup);
            });
        }
    }

    function showMap(element, data, options) {
        if (!window.L || !element || !data || !data.features.length) return;
        var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
        localizeControls(map);
        L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
            maxZoom: 19,
            attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
        }).addTo(map);
        var layer = (options.cluster && L.markerClusterGroup) ? L.markerClusterGroup() : L.featureGroup();
        L.geoJSON(data, {
            // A marker is focusable: its text alternative names the place, not "Marker".
            pointToLayer: function (feature, latlng) {
                var p = feature.properties;
                var name = [p.producer, p.point_of_sale].filter(Boolean).join(" – ");
                return L.marker(latlng, { alt: name || labels.marker || "" });
            },
            onEachFeature: function (feature, marker) {
                var p = feature.properties;
                var popup = document.createElement("div");
                var link = document.createElement(p.url ? "a" : "strong");
                if (p.url) link.href = p.url;
                link.textContent = p.producer || p.point_of_sale;
                popup.appendChild(link);
                if (p.point_of_sale) {
                    popup.appendChild(document.createElement("br"));
                    popup.appendChild(document.createTextNode(p.kind + " : " + p.point_of_sale));
                }
                marker.bindPopup(popup);
            }
        }).eachLayer(function (marker) { layer.addLayer(marker); });
        layer.addTo(map);
        map.fitBounds(layer.getBounds(), { maxZoom: 13, padding: [20, 20] });
        if (options.searchHere) offerSearchHere(map);
    }

    // A click on the results map offers to search around that point.
    function offerSearchHere(map) {
        var form = document.querySelector(".search-form");
        var near = form && form.querySelector("[data-near]");
        if (!near) return;
        map.on("click", function (event) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "button";
            button.textContent = form.getAttribute("data-search-here-label");
            button.addEventListener("click", function () {
                near.value = event.latlng.lat.toFixed(5) + "," + event.latlng.lng.toFixed(5);
                var place = form.querySelector("[name=place]");
                if (place) place.value = "";
                form.submit();
            });
            L.popup().setLatLng(event.latlng).setContent(button).openOn(map);
        });
    }

    function readJSON(id) {
        var node = document.getElementById(id);
        return node ? JSON.parse(node.textContent) : null;
    }

    function setUpGeolocation() {
        var button = document.querySelector("[data-geolocate]");
        var near = document.querySelector("[data-near]");
        if (!button || !near || !navigator.geolocation) return;
        button.hidden = false;
        button.addEventListener("click", function () {
            button.disabled = true;
            navigator.geolocation.getCurrentPosition(function (position) {
                near.value = position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
                var place = button.form.querySelector("[name=place]");
                if (place) place.value = "";
                button.form.submit();
            }, function () {
                button.disabled = false;
            }, { timeout: 10000 });
        });
        var clear = document.querySelector("[data-clear-near]");
        if (clear) clear.addEventListener("click", function () { near.value = ""; clear.parentNode.hidden = true; });
    }

    document.addEventListener("DOMContentLoaded", function () {
        showMap(document.getElementById("results-map"), readJSON("results-map-data"), { cluster: true, searchHere: true });
        showMap(document.getElementById("producer-map"), readJSON("producer-map-data"), { cluster: false });
        setUpGeolocation();
    });
})();
