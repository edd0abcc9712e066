"""Video steps: staff upload a video with WebVTT captions in Dutch and English (both
required, checked), a lesson step names it, and the platform serves video and captions
itself: no embedded third-party player."""

from __future__ import annotations

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import verified_client
from tests.factories import UserFactory
from zicht.lessons.content import lesson_files, read_file
from zicht.lessons.models import LessonVideo, StaffLesson
from zicht.lessons.validation import validate

pytestmark = pytest.mark.django_db

VTT_NL = b"WEBVTT\n\n00:00.000 --> 00:02.000\nJay stuurt een bericht.\n"
VTT_EN = b"WEBVTT\n\n00:00.000 --> 00:02.000\nJay sends a message.\n"
VIDEO = b"\x00\x00\x00\x18ftypmp42"  # the start of an MP4 file


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def upload(staff, captions_nl=VTT_NL):
    return staff.post(
        "/admin/lessons/lessonvideo/add/",
        {
            "key": "uitleg",
            "title": "Uitleg over geldezels",
            "file": SimpleUploadedFile("uitleg.mp4", VIDEO, "video/mp4"),
            "captions_nl": SimpleUploadedFile("nl.vtt", captions_nl, "text/vtt"),
            "captions_en": SimpleUploadedFile("en.vtt", VTT_EN, "text/vtt"),
        },
    )


def lesson_with_video() -> dict:
    data = copy.deepcopy(read_file(next(p for p in lesson_files() if "bankpas" in p.stem)))
    data["slug"] = "met-video"
    data["steps"]["pakket"]["video"] = "uitleg"
    return data


@pytest.fixture
def staff(client):
    return verified_client(client, UserFactory(is_staff=True, is_superuser=True))


def test_captions_must_be_webvtt(staff):
    response = upload(staff, captions_nl=b"1\n00:00:00,000 --> 00:00:02,000\nSRT, geen VTT\n")
    assert response.status_code == 200
    assert "WebVTT" in response.content.decode()
    assert not LessonVideo.objects.exists()


def test_a_step_with_a_video_is_valid_only_once_the_video_is_uploaded(staff):
    assert validate(lesson_with_video()).errors == [
        "step 'pakket': video 'uitleg' is not uploaded (admin: lesson videos)."
    ]
    assert upload(staff).status_code == 302
    assert validate(lesson_with_video()).errors == []


def test_the_platform_serves_the_video_with_captions_in_both_languages(staff, client):
    upload(staff)
    StaffLesson.objects.create(
        slug="met-video", version=1, data=lesson_with_video(), published=True
    )
    page = client.get("/lessen/met-video/pakket/").content.decode()
    assert '<video controls preload="metadata" src="/lessen/video/uitleg/"' in page
    assert 'srclang="nl" label="Nederlands" src="/lessen/video/uitleg/nl.vtt" default' in page
    assert 'srclang="en" label="English" src="/lessen/video/uitleg/en.vtt"' in page
    assert "iframe" not in page
    video = client.get("/lessen/video/uitleg/")
    assert video["Content-Type"] == "video/mp4"
    assert b"".join(video.streaming_content) == VIDEO
    captions = client.get("/lessen/video/uitleg/en.vtt")
    assert captions["Content-Type"].startswith("text/vtt")
    assert b"".join(captions.streaming_content) == VTT_EN
    assert client.get("/lessen/video/uitleg/fr.vtt").status_code == 404
    assert client.get("/lessen/video/bestaat-niet/").status_code == 404
