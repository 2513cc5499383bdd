"""Packaging for Smooth: the framework core (`smooth`) and its two apps."""
from setuptools import find_packages, setup

setup(
    name="smooth",
    version="0.1.0",
    description="A Frappe-style metadata-driven framework with an LMS and an HR app",
    python_requires=">=3.11",
    packages=find_packages(include=["smooth", "smooth.*", "smooth_lms", "smooth_lms.*", "smooth_hr", "smooth_hr.*"]),
    include_package_data=True,
    package_data={"": ["*.json", "*.html", "*.txt", "*.css", "*.js", "*.po"]},
    install_requires=[
        "SQLAlchemy>=2.0,<2.2",
        "alembic>=1.13",
        "PyMySQL>=1.1",
        "click>=8.1",
        "argon2-cffi>=23.1",
        "cryptography>=42",
        "tzdata",
        "starlette>=0.37",
        "uvicorn>=0.29",
        # Uvicorn picks these up: its C HTTP parser and event loop cut a small request's server CPU by ~30%
        "httptools>=0.6",
        "uvloop>=0.19; sys_platform != 'win32' and platform_python_implementation == 'CPython'",
        "python-multipart>=0.0.9",
        "redis>=5",
        "Jinja2>=3.1",
        "rq>=2.0",
        "croniter>=2.0",
        "google-auth>=2.30",
        "google-auth-oauthlib>=1.2",
        "requests>=2.31",
        "icalendar>=5",
        "nh3>=0.2",
        "markdown-it-py>=3",
        "pdfkit>=1.0",
        "segno>=1.6",
        "openpyxl>=3.1",  # XLSX exports and imports
        "Babel>=2.14",  # translations: gettext catalogs, locale dates and numbers (smooth.i18n)
        "pyotp>=2.9",  # two-factor login: TOTP codes (smooth.auth.two_factor)
        "authlib>=1.3",  # single sign-on: OpenID Connect ID tokens, JWKS, PKCE (smooth.auth.oidc)
        "defusedxml>=0.7",  # SCORM manifests are uploaded XML: no entity expansion, no external entities
    ],
    extras_require={
        "test": ["pytest>=8", "hypothesis>=6.100", "httpx>=0.27", "schemathesis>=4.0", "mypy>=1.10",
                 "playwright>=1.45", "axe-playwright-python>=0.1.7", "aiosmtpd>=1.4",
                 "pytest-xdist>=3.5", "frappe-client>=0.1.0.dev0",
                 "boto3>=1.34", "moto[server]>=5.0"],
        # the faster MariaDB driver (a C extension: needs libmariadb-dev, pkg-config and a compiler to build);
        # a `mariadb://` URL uses it when installed, else PyMySQL (docs/deployment.md)
        "mariadb": ["mysqlclient>=2.2"],
        "s3": ["boto3>=1.34"],  # files in S3-compatible object storage (site config file_storage), for several hosts
    },
    entry_points={"console_scripts": ["bench = smooth.cli:main"]},
)
